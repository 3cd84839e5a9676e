/**
 * Backend selection with the native addon: `native` is chosen by `auto` when built and named in the
 * engine line; without it (TUNEKIT_NATIVE=0 in a child process, the same path as a failed build)
 * `auto` falls back to wasm with the reason, and an explicit `native` fails with a diagnostic.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { initEngine } from '../../../src/engine/index.js';
import { loadNativeAddon } from '../../../src/engine/native/addon.js';
import { ADDON_VERSION, checkAddon } from '../../../src/engine/native/addon.js';
import { itNative } from '../../helpers/native.js';


describe('engine selection with the native addon', function () {
  this.timeout(60_000);
  after(() => initEngine('cpu'));

  itNative('auto prefers native when the addon is built, and says so', async () => {
    const info = await initEngine('auto');
    assert.equal(info.backend, 'native');
    assert.match(info.message, /^engine: native \(cpu tensors \+ OpenBLAS [\d.]+ on \d+ threads?\) — auto: /);
  });

  it('without the addon: auto falls back to wasm with the reason, native fails with ENGINE_BACKEND_UNAVAILABLE', () => {
    const script = `
      import { initEngine } from './src/engine/index.js';
      const a = await initEngine('auto');
      let code = 'none';
      try { await initEngine('native'); } catch (e) { code = e.diagnostics?.[0]?.code ?? String(e); }
      console.log(JSON.stringify({ backend: a.backend, message: a.message, code }));`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', env: { ...process.env, TUNEKIT_NATIVE: '0' } });
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout.trim().split('\n').pop() as string) as { backend: string; message: string; code: string };
    assert.equal(out.backend, 'wasm');
    assert.match(out.message, /^engine: wasm .* — auto: .*disabled by TUNEKIT_NATIVE=0/);
    assert.equal(out.code, 'ENGINE_BACKEND_UNAVAILABLE');
  });
});

describe('checkAddon', () => {
  it('accepts only the tunekit addon of the expected version, with a rebuild hint otherwise', () => {
    const gemm = (): void => undefined;
    assert.deepEqual(checkAddon({ gemm, version: ADDON_VERSION }, '/x.node'), { addon: { gemm, version: ADDON_VERSION }, path: '/x.node' });
    assert.deepEqual(checkAddon({ gemm }, '/x.node'), { addon: null, why: `native addon is out of date (version 1, this tunekit needs ${ADDON_VERSION}; rebuild with npm run build:native)` });
    assert.deepEqual(checkAddon({}, '/x.node'), { addon: null, why: '/x.node is not the tunekit addon' });
    assert.deepEqual(checkAddon(null, '/x.node'), { addon: null, why: '/x.node is not the tunekit addon' });
  });
});

describe('the addon\'s worker pool', function () {
  this.timeout(60_000);
  itNative('serves one caller at a time: a second thread (worker_threads) computes inline, both correct', () => {
    const loaded = loadNativeAddon();
    const script = fileURLToPath(new URL('./fixtures/concurrent-pool.mjs', import.meta.url));
    const r = spawnSync(process.execPath, [script, loaded.addon ? loaded.path : ''], { encoding: 'utf8' });
    assert.equal(r.stdout.trim(), 'main ok worker ok', r.stderr);
  });
});
