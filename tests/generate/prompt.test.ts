import { strict as assert } from 'node:assert';
import { promptTemplates, renderPrompt } from '../../src/generate/prompt.js';
import { builtinFormats } from '../helpers/formats.js';

const FORMATS = builtinFormats();

describe('generate prompt templates', () => {
  it('alpaca renders the Stanford Alpaca prompt, with and without input, no trailing space', () => {
    assert.equal(
      renderPrompt('alpaca', 'Add the two numbers.', null, '', FORMATS),
      'Below is an instruction that describes a task. Write a response that appropriately completes the request.\n\n### Instruction:\nAdd the two numbers.\n\n### Response:',
    );
    assert.equal(
      renderPrompt('alpaca', 'Add the two numbers.', null, '2 + 3', FORMATS),
      'Below is an instruction that describes a task, paired with an input that provides further context. Write a response that appropriately completes the request.\n\n### Instruction:\nAdd the two numbers.\n\n### Input:\n2 + 3\n\n### Response:',
    );
    // an instruction containing a placeholder is not substituted again
    assert.match(renderPrompt('alpaca', 'say {input}', null, 'x', FORMATS), /### Instruction:\nsay \{input\}\n/);
  });

  it('none passes the text through', () => {
    assert.equal(renderPrompt('none', 'Once upon a time', null, '', FORMATS), 'Once upon a time');
  });

  it('offers none, chat and every format that renders a prompt', () => {
    assert.deepEqual(promptTemplates(FORMATS), ['none', 'chat', 'alpaca']);
  });
});
