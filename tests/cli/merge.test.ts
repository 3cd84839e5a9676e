import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { main } from '../../src/cli/main.js';
import { loadSafetensors } from '../../src/io/safetensors/index.js';
import { captureIO } from '../helpers/io.js';

const FIX = resolve('tests/fixtures/parity');

describe('tune merge', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'merge-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  for (const arch of ['gpt2', 'llama', 'mpt']) {
    it(`${arch}: the merged folder holds PEFT's merged weights, the untouched rest and the base config`, async () => {
      const io = captureIO(dir);
      // The fixture adapters name their base as "../model", resolved from the adapter folder.
      const code = await main(['merge', join(FIX, arch, 'adapter'), '--out', 'merged'], io);
      assert.equal(code, 0, io.err());
      const got = await loadSafetensors(join(dir, 'merged', 'model.safetensors'));
      const want = await loadSafetensors(join(FIX, arch, 'golden', 'lora_merged_changed.safetensors'));
      for (const [name, w] of want) {
        const g = got.get(name)?.data as Float32Array;
        assert.ok(g, name);
        (w.data as Float32Array).forEach((x, i) => assert.ok(Math.abs((g[i] as number) - x) <= 1e-6 + 1e-5 * Math.abs(x), `${name}[${i}]`));
      }
      const base = await loadSafetensors(join(FIX, arch, 'model', 'model.safetensors'));
      assert.deepEqual([...got.keys()].sort(), [...base.keys()].sort());
      for (const [name, b] of base) if (!want.has(name)) assert.deepEqual(got.get(name)?.data, b.data, `${name} unchanged`);
      const cfg = JSON.parse(readFileSync(join(dir, 'merged', 'config.json'), 'utf8')) as { model_type: string };
      assert.equal(cfg.model_type, arch);
    });
  }

  it('without --out is a usage error (exit 2)', async () => {
    const io = captureIO(dir);
    assert.equal(await main(['merge', join(FIX, 'llama', 'adapter')], io), 2);
    assert.match(io.err(), /error CLI_USAGE tune merge needs --out DIR/);
  });
});
