import { strict as assert } from 'node:assert';
import { renderPrompt } from '../../src/generate/prompt.js';

describe('generate prompt templates', () => {
  it('alpaca renders the Stanford Alpaca prompt, with and without input, no trailing space', () => {
    assert.equal(
      renderPrompt('alpaca', 'Add the two numbers.', null),
      'Below is an instruction that describes a task. Write a response that appropriately completes the request.\n\n### Instruction:\nAdd the two numbers.\n\n### Response:',
    );
    assert.equal(
      renderPrompt('alpaca', 'Add the two numbers.', null, '2 + 3'),
      'Below is an instruction that describes a task, paired with an input that provides further context. Write a response that appropriately completes the request.\n\n### Instruction:\nAdd the two numbers.\n\n### Input:\n2 + 3\n\n### Response:',
    );
    // an instruction containing a placeholder is not substituted again
    assert.match(renderPrompt('alpaca', 'say {input}', null, 'x'), /### Instruction:\nsay \{input\}\n/);
  });

  it('none passes the text through', () => {
    assert.equal(renderPrompt('none', 'Once upon a time', null), 'Once upon a time');
  });
});
