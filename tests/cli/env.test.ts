import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { command } from '../../src/cli/env.js';
import { main } from '../../src/cli/main.js';
import { captureIO, runCommand } from '../helpers/io.js';
import { assertGuardWorks, runCliWithoutTfjs } from '../helpers/no-tfjs.js';

const REPO = resolve(import.meta.dirname, '../..');

interface EnvJson {
  backends: { name: string; available: boolean; reason: string; runner: string; auto: boolean }[];
  auto: { backend: string; reason: string };
  machine: { cores: number; memoryBytes: number };
}

describe('tune env', () => {
  it('lists every backend with its probe, in auto order, and what auto picks — here and with native disabled', async () => {
    const io = captureIO(REPO, { TUNEKIT_NATIVE: '0' });
    assert.equal(await main(['env', '--format', 'json'], io), 0);
    const env = JSON.parse(io.out()) as EnvJson;
    assert.deepEqual(env.backends.map((b) => b.name), ['tensorflow', 'native', 'wasm', 'cpu']);
    assert.deepEqual(env.backends.find((b) => b.name === 'native'), { name: 'native', available: false, reason: 'native disabled by TUNEKIT_NATIVE=0', runner: 'in-process', auto: true, summary: 'the OpenBLAS addon built at install' });
    assert.equal(env.auto.backend, 'wasm');
    assert.match(env.auto.reason, /^auto → wasm \(.*native disabled by TUNEKIT_NATIVE=0; wasm ships with tunekit\)$/);
    assert.ok(env.machine.cores >= 1 && env.machine.memoryBytes > 0);
    const text = await runCommand(command, []);
    assert.equal(text.code, 0);
    assert.match(text.out, /^backends \(in the order `auto` tries them\)\n {2}tensorflow {2}(un)?available/);
    assert.match(text.out, /\n {2}cpu {9}available {4}pure JavaScript; runner in-process\n/);
    assert.match(text.out, /\nauto → (tensorflow|native|wasm)\nnode v\d+/);
  });

  it('with a recipe, lists the backends its own plugins register', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'env-'));
    try {
      writeFileSync(
        join(dir, 'remote.ts'),
        `import { definePlugin } from ${JSON.stringify(join(REPO, 'src/plugin-api.ts'))};
export default definePlugin({ name: 'remote', version: '0.0.0',
  backends: [{ name: 'elsewhere', summary: 'somewhere else', autoOrder: null, runner: 'remote', copies: { transposedWeights: false, packedWeights: false, reserveBytes: 0, activationScale: 1 }, heapLimitBytes: null, probe: () => ({ available: false, reason: 'no such machine' }) }],
  runners: [{ name: 'remote', honours: [], create: () => { throw new Error('unused'); } }] });
`,
      );
      writeFileSync(join(dir, 'recipe.yaml'), 'recipe_version: 1\nplugins: [./remote.ts]\n');
      const io = captureIO(dir);
      assert.equal(await main(['env', 'recipe.yaml'], io), 0, io.err());
      assert.match(io.out(), /\n {2}elsewhere {3}unavailable {2}no such machine \(only when named\); runner remote\n/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects a bad format and extra arguments with exit 2', async () => {
    assert.equal((await runCommand(command, ['--format', 'yaml'])).code, 2);
    assert.equal((await runCommand(command, ['a.yaml', 'b.yaml'])).code, 2);
  });

  it('never loads TensorFlow.js', function () {
    this.timeout(30000);
    assertGuardWorks(REPO);
    const child = runCliWithoutTfjs(['env'], REPO);
    assert.equal(child.status, 0, child.stderr);
    assert.match(child.stdout, /^backends/);
  });
});
