/**
 * Where a training step's time goes: wraps every kernel of the active backend with a timer, runs
 * two warm-up steps and one profiled step, prints the top kernels by time.
 * `node --import tsx bench/profile.ts <shape-id> <backend> [n_layer override]`
 */
import { getKernelsForBackend, registerKernel, unregisterKernel, type KernelFunc } from '@tensorflow/tfjs-core';
import { initEngine, tf } from '../src/engine/index.js';
import { accumulateGradients } from '../src/train/step.js';
import { AdamW } from '../src/train/optim/adamw.js';
import { SHAPES } from './shapes.js';
import { benchModel, benchTraining } from './setup.js';
import type { BackendName } from '../src/engine/index.js';

const [id, backendArg, layers] = process.argv.slice(2);
const shape = SHAPES.find((s) => s.id === id);
if (!shape) throw new Error(`unknown shape ${id}`);
const engine = await initEngine((backendArg ?? 'auto') as BackendName, { threads: process.env['TUNEKIT_THREADS'] ? Number(process.env['TUNEKIT_THREADS']) : null });
const stats = new Map<string, { ms: number; calls: number }>();
/** TUNEKIT_PROFILE_SHAPES=1 also lists the costliest (kernel, input shapes) pairs. */
const bySize = process.env['TUNEKIT_PROFILE_SHAPES'] === '1' ? new Map<string, { ms: number; calls: number }>() : null;
let on = false;
for (const k of getKernelsForBackend(engine.backend)) {
  const inner: KernelFunc = k.kernelFunc;
  const timed: KernelFunc = (args) => {
    if (!on) return inner(args);
    const t = performance.now();
    const r = inner(args);
    const s = stats.get(k.kernelName) ?? { ms: 0, calls: 0 };
    const dt = performance.now() - t;
    s.ms += dt;
    s.calls += 1;
    stats.set(k.kernelName, s);
    if (bySize) {
      const shapes = Object.values(args.inputs).map((x) => JSON.stringify((x as { shape: number[] }).shape)).join(' ');
      const key = `${k.kernelName} ${shapes}`;
      const e = bySize.get(key) ?? { ms: 0, calls: 0 };
      e.ms += dt;
      e.calls += 1;
      bySize.set(key, e);
    }
    return r;
  };
  unregisterKernel(k.kernelName, k.backendName);
  registerKernel({ ...k, kernelFunc: timed });
}
const config = shape.config ? { ...shape.config, ...(layers ? { n_layer: Number(layers), num_hidden_layers: Number(layers) } : {}) } : undefined;
const { model, vocab } = await benchModel(shape, engine.backend, config);
const { params, batch } = benchTraining(shape, model, vocab);
const opt = new AdamW({ betas: [0.9, 0.999], eps: 1e-8 });
let optimizerMs = 0;
const step = (): number => {
  const t = performance.now();
  const { grads } = accumulateGradients(model, params, [batch]);
  const t1 = performance.now();
  opt.step([{ params, weightDecay: 0 }], grads, 1e-4);
  optimizerMs = performance.now() - t1;
  for (const g of grads.values()) g.dispose();
  return performance.now() - t;
};
step();
step(); // two warm-up steps: the first one fills the buffer pool, the second one faults in its pages
on = true;
const total = step();
const pool = (tf.backend() as { pool?: { stats(): { hits: number; misses: number; pooledBytes: number } } }).pool;
if (pool) console.log(`buffer pool after three steps: ${JSON.stringify(pool.stats())}`);
console.log(`optimizer update ${optimizerMs.toFixed(0)} ms of the step (fused on host-storage backends, else tfjs kernels below)`);
const kernelMs = [...stats.values()].reduce((a, s) => a + s.ms, 0);
console.log(`${engine.message}\nstep ${total.toFixed(0)} ms; kernels ${kernelMs.toFixed(0)} ms; outside kernels (JS glue, tape, GC) ${(total - kernelMs).toFixed(0)} ms; peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
for (const [name, s] of [...stats].sort((a, b) => b[1].ms - a[1].ms).slice(0, 25)) {
  console.log(`${name.padEnd(24)} ${s.ms.toFixed(1).padStart(9)} ms ${String(s.calls).padStart(6)} calls ${((100 * s.ms) / total).toFixed(1).padStart(5)}%`);
}
if (bySize) {
  console.log('\ncostliest kernel calls by input shapes:');
  for (const [key, s] of [...bySize].sort((a, b) => b[1].ms - a[1].ms).slice(0, 25)) console.log(`${s.ms.toFixed(1).padStart(9)} ms ${String(s.calls).padStart(5)}×  ${key}`);
}
void tf;
