import type { SchemaNode } from '../../src/plugin-api.js';

/** `template`: the Alpaca prompt templates. */
export const TEMPLATE: SchemaNode = {
  type: 'object',
  description: 'the prompt templates. `{instruction}` and `{input}` are replaced by the row\'s fields. The defaults are the Stanford Alpaca templates; the prompt has no trailing space after `### Response:`.',
  additionalProperties: false,
  properties: {
    prompt_input: {
      description: 'Template used when the row has a non-empty input. Must contain `{instruction}` and `{input}`.',
      type: 'string',
      pattern: '\\{instruction\\}[\\s\\S]*\\{input\\}|\\{input\\}[\\s\\S]*\\{instruction\\}',
      default: 'Below is an instruction that describes a task, paired with an input that provides further context. Write a response that appropriately completes the request.\n\n### Instruction:\n{instruction}\n\n### Input:\n{input}\n\n### Response:',
      examples: [
        'Below is an instruction that describes a task, paired with an input that provides further context. Write a response that appropriately completes the request.\n\n### Instruction:\n{instruction}\n\n### Input:\n{input}\n\n### Response:',
      ],
    },
    prompt_no_input: {
      description: 'Template used when the row\'s input is empty. Must contain `{instruction}`.',
      type: 'string',
      pattern: '\\{instruction\\}',
      default: 'Below is an instruction that describes a task. Write a response that appropriately completes the request.\n\n### Instruction:\n{instruction}\n\n### Response:',
      examples: [
        'Below is an instruction that describes a task. Write a response that appropriately completes the request.\n\n### Instruction:\n{instruction}\n\n### Response:',
      ],
    },
  },
  default: {
    prompt_input: 'Below is an instruction that describes a task, paired with an input that provides further context. Write a response that appropriately completes the request.\n\n### Instruction:\n{instruction}\n\n### Input:\n{input}\n\n### Response:',
    prompt_no_input: 'Below is an instruction that describes a task. Write a response that appropriately completes the request.\n\n### Instruction:\n{instruction}\n\n### Response:',
  },
  examples: [{ prompt_no_input: '### Frage:\n{instruction}\n\n### Antwort:' }],
};

/** `fields`: which columns hold instruction, input and output. */
export const FIELDS: SchemaNode = {
  type: 'object',
  description: 'which columns hold the instruction, the input and the output.',
  additionalProperties: false,
  properties: {
    instruction: {
      description: 'Column with the instruction.',
      type: 'string',
      minLength: 1,
      default: 'instruction',
      examples: ['instruction', 'prompt'],
    },
    input: {
      description: 'Column with the optional input (a missing column counts as empty).',
      type: 'string',
      minLength: 1,
      default: 'input',
      examples: ['input', 'context'],
    },
    output: {
      description: 'Column with the expected response.',
      type: 'string',
      minLength: 1,
      default: 'output',
      examples: ['output', 'response'],
    },
  },
  default: { instruction: 'instruction', input: 'input', output: 'output' },
  examples: [{ instruction: 'prompt', output: 'completion' }],
};
