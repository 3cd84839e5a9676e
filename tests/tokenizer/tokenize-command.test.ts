import assert from 'node:assert/strict';
import { main } from '../../src/cli/main.js';
import { captureIO } from '../helpers/io.js';

describe('tune tokenize', () => {
  it('prints ids and tokens as JSON', async () => {
    const io = captureIO();
    assert.equal(await main(['tokenize', '--model', 'models/stories260k', '--format', 'json', 'Once upon a time'], io), 0);
    assert.deepEqual(JSON.parse(io.out()), { ids: [1, 403, 407, 261, 378], tokens: ['<s>', '▁Once', '▁upon', '▁a', '▁time'], count: 5 });
  });
  it('prints a table and marks special tokens', async () => {
    const io = captureIO();
    assert.equal(await main(['tokenize', '--model', 'tests/fixtures/parity/gpt2/model', 'Hello<|endoftext|>'], io), 0);
    assert.equal(io.out(), '0  15496  "Hello"\n1  50256  "<|endoftext|>"  (special)\n2 tokens: [15496, 50256]\n');
  });
  it('--no-special leaves out BOS', async () => {
    const io = captureIO();
    assert.equal(await main(['tokenize', '--model', 'models/stories260k', '--no-special', '--format', 'json', 'Once'], io), 0);
    assert.deepEqual(JSON.parse(io.out()).ids, [403]);
  });
  it('a missing model folder is a diagnostic, exit 1', async () => {
    const io = captureIO();
    assert.equal(await main(['tokenize', '--model', 'nope', 'x'], io), 1);
    assert.match(io.err(), /error TOKENIZER_NOT_FOUND tokenizer folder .*nope does not exist/);
  });
  it('no text is a usage error, exit 2', async () => {
    const io = captureIO();
    assert.equal(await main(['tokenize', '--model', 'models/stories260k'], io), 2);
    assert.match(io.err(), /CLI_USAGE/);
  });
});
