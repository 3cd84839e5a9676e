import assert from 'node:assert/strict';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { getKernel } from '@tensorflow/tfjs-core';
import { isTuneError } from '../../src/diagnostics/index.js';
import { initEngine, tf, type BackendName } from '../../src/engine/index.js';
import { batchMatMulConfig } from '../../src/engine/kernels/batch-mat-mul.js';
import { fusedMatMulConfig } from '../../src/engine/kernels/fused-mat-mul.js';
import { unsortedSegmentSumConfig } from '../../src/engine/kernels/unsorted-segment-sum.js';
import { loadNativeAddon } from '../../src/engine/native/addon.js';

/** `auto` prefers the native addon when it is built (tests/engine/native covers that path). */
const AUTO_LOCAL = loadNativeAddon().addon ? 'native' : 'wasm';

async function rejectsWith(p: Promise<unknown>, code: string): Promise<{ found?: string; hint?: string; expected?: string }> {
  try {
    await p;
  } catch (e) {
    assert.ok(isTuneError(e), `expected a TuneError, got ${String(e)}`);
    assert.equal(e.code, code);
    return e.diagnostics[0]!;
  }
  assert.fail(`expected ${code}`);
}

describe('engine: backend selection', () => {
  after(async () => {
    await initEngine('wasm');
  });

  it('auto falls back to wasm when neither tfjs-node package is installed, and says why', async () => {
    const info = await initEngine('auto');
    assert.equal(info.backend, AUTO_LOCAL);
    assert.equal(tf.getBackend(), AUTO_LOCAL);
    assert.equal(info.reason, 'auto: @tensorflow/tfjs-node-gpu not installed; @tensorflow/tfjs-node not installed');
    const what = AUTO_LOCAL === 'native' ? 'native \\(cpu tensors \\+ OpenBLAS [^)]*\\)' : 'wasm \\(XNNPACK, SIMD, 1 thread\\)';
    assert.match(info.message, new RegExp(`^engine: ${what} — auto: @tensorflow/tfjs-node-gpu not installed`));
  });

  it('requested tensorflow without the package fails with ENGINE_BACKEND_UNAVAILABLE', async () => {
    const d = await rejectsWith(initEngine('tensorflow'), 'ENGINE_BACKEND_UNAVAILABLE');
    assert.equal(d.found, '@tensorflow/tfjs-node-gpu not installed; @tensorflow/tfjs-node not installed');
    assert.match(d.hint ?? '', /--backend wasm/);
  });

  it('reports a package that is installed but fails to load (e.g. the N-API addon)', async () => {
    const importOptional = async (s: string): Promise<unknown> => {
      if (s.endsWith('-gpu')) throw Object.assign(new Error('not found'), { code: 'ERR_MODULE_NOT_FOUND' });
      throw new Error('The specified module could not be loaded.\nstack');
    };
    const d = await rejectsWith(initEngine('tensorflow', { importOptional }), 'ENGINE_BACKEND_UNAVAILABLE');
    assert.equal(d.found, '@tensorflow/tfjs-node-gpu not installed; @tensorflow/tfjs-node failed to load (The specified module could not be loaded.)');
    const info = await initEngine('auto', { importOptional });
    assert.equal(info.backend, AUTO_LOCAL);
    assert.match(info.reason, /tfjs-node failed to load/);
  });

  it('auto prefers the tensorflow backend when a tfjs-node package registers it', async () => {
    const loaded: string[] = [];
    const importOptional = async (s: string): Promise<unknown> => {
      loaded.push(s);
      if (s === '@tensorflow/tfjs-node') tf.registerBackend('tensorflow', () => new MathBackendCPU(), 0);
      else throw Object.assign(new Error('nope'), { code: 'ERR_MODULE_NOT_FOUND' });
      return {};
    };
    try {
      const info = await initEngine('auto', { importOptional });
      assert.equal(info.backend, 'tensorflow');
      assert.equal(tf.getBackend(), 'tensorflow');
      assert.equal(info.reason, 'auto: @tensorflow/tfjs-node is installed');
      assert.deepEqual(loaded, ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']);
    } finally {
      await initEngine('cpu');
      tf.removeBackend('tensorflow');
    }
  });

  it('says when more wasm threads were requested than Node can run', async () => {
    const info = await initEngine('wasm', { threads: 2 });
    assert.equal(info.message, "engine: wasm (XNNPACK, SIMD, 1 thread) [2 threads requested; tfjs' wasm build runs single-threaded in Node] — requested");
  });

  it('rejects an unknown backend name with ENGINE_UNKNOWN_BACKEND', async () => {
    const d = await rejectsWith(initEngine('webgpu' as BackendName), 'ENGINE_UNKNOWN_BACKEND');
    assert.equal(d.expected, 'auto, tensorflow, native, wasm, cpu');
  });

  it('is idempotent and switches between wasm and cpu in one process', async () => {
    const a = await initEngine('wasm');
    const t0 = performance.now();
    const b = await initEngine('wasm');
    assert.ok(performance.now() - t0 < 50);
    assert.equal(a, b);
    assert.equal((await initEngine('cpu')).backend, 'cpu');
    assert.equal(tf.getBackend(), 'cpu');
    assert.deepEqual(Array.from(tf.add(tf.tensor1d([1, 2]), 1).dataSync()), [2, 3]);
    assert.equal((await initEngine('wasm')).backend, 'wasm');
    assert.equal(tf.getBackend(), 'wasm');
    assert.deepEqual(Array.from(tf.add(tf.tensor1d([1, 2]), 1).dataSync()), [2, 3]);
  });

  it('registers the engine kernels over the stock wasm ones and loads the gradient table', async () => {
    await initEngine('wasm');
    assert.equal(getKernel('BatchMatMul', 'wasm')?.kernelFunc, batchMatMulConfig.kernelFunc);
    assert.equal(getKernel('_FusedMatMul', 'wasm')?.kernelFunc, fusedMatMulConfig.kernelFunc);
    assert.equal(getKernel('UnsortedSegmentSum', 'wasm')?.kernelFunc, unsortedSegmentSumConfig.kernelFunc);
    for (const k of ['GatherV2', 'BatchMatMul', 'Softmax', 'Erf', 'GatherNd', 'Greater']) assert.ok(tf.getGradient(k), `gradient for ${k}`);
  });
});
