import assert from 'node:assert/strict';
import { main } from '../../src/cli/main.js';
import { captureIO } from '../helpers/io.js';

describe('tune (CLI shell)', () => {
  it('rejects an unknown command with CLI_UNKNOWN_COMMAND and exit 2', async () => {
    const io = captureIO();
    const code = await main(['frobnicate'], io);
    assert.equal(code, 2);
    assert.match(io.err(), /^error CLI_UNKNOWN_COMMAND unknown command `frobnicate`/);
  });

  it('prints help and exits 0 for --help', async () => {
    const io = captureIO();
    assert.equal(await main(['--help'], io), 0);
    assert.match(io.out(), /usage: tune <command>/);
  });
});
