import type { SchemaNode } from '../../src/plugin-api.js';

/** `method.lora`: the adapter settings (PEFT LoraConfig names and meaning). */
export const LORA_SETTINGS: SchemaNode = {
  title: 'LoraSettings',
  type: 'object',
  description: 'LoRA adapter settings (method.kind lora or qlora). Names and meaning follow PEFT\'s LoraConfig.',
  additionalProperties: false,
  properties: {
    r: { description: 'Adapter rank (PEFT `r`).', type: 'integer', minimum: 1, default: 8, examples: [8, 64] },
    alpha: {
      description: 'Scaling numerator (PEFT `lora_alpha`): scaling = alpha / r, or alpha / sqrt(r) with rslora.',
      type: 'number',
      exclusiveMinimum: 0,
      default: 16,
      examples: [16, 32],
    },
    dropout: {
      description: 'Dropout on the adapter input (PEFT `lora_dropout`).',
      type: 'number',
      minimum: 0,
      exclusiveMaximum: 1,
      default: 0,
      examples: [0.05],
    },
    target_modules: {
      description: 'Modules to adapt: a list of names (a module matches when its name equals an entry or ends with `.entry`), a regex string (full match), or `all-linear` (every linear layer except the output head). null: PEFT\'s default for the model type.',
      type: ['array', 'string', 'null'],
      items: { type: 'string', minLength: 1 },
      minItems: 1,
      minLength: 1,
      default: null,
      examples: [['q_proj', 'v_proj'], 'all-linear', '.*\\.(q|v)_proj'],
    },
    exclude_modules: {
      description: 'Modules never to adapt (same matching rules as target_modules).',
      type: ['array', 'string'],
      items: { type: 'string', minLength: 1 },
      default: [],
      examples: [['lm_head']],
    },
    bias: {
      description: 'Which biases train (PEFT `bias`).',
      type: 'string',
      enum: ['none', 'all', 'lora_only'],
      default: 'none',
      examples: ['none', 'lora_only'],
    },
    rslora: {
      description: 'Rank-stabilized LoRA: scale by alpha / sqrt(r) (PEFT `use_rslora`).',
      type: 'boolean',
      default: false,
      examples: [true],
    },
    modules_to_save: {
      description: 'Modules trained in full and saved with the adapter (PEFT `modules_to_save`).',
      type: 'array',
      items: { type: 'string', minLength: 1 },
      default: [],
      examples: [['lm_head']],
    },
    init: {
      description: '`default`: A kaiming-uniform, B zero; `gaussian`: A ~ N(0, 1/r), B zero (PEFT `init_lora_weights`).',
      type: 'string',
      enum: ['default', 'gaussian'],
      default: 'default',
      examples: ['gaussian'],
    },
    init_from: {
      description: 'A PEFT adapter folder (adapter_config.json + adapter_model.safetensors, relative to the recipe file) to continue training from.',
      type: ['string', 'null'],
      'x-path': true,
      default: null,
      examples: ['../out/stage1/adapter'],
    },
  },
  examples: [{ r: 16, alpha: 32, target_modules: ['q_proj', 'v_proj'] }],
  default: {},
};
