/**
 * Matmul throughput (GFLOP/s) on cpu, stock wasm and the engine's wasm kernels.
 * Run: `node --import tsx tests/engine/bench/matmul.bench.ts` (about a minute; not part of mocha).
 * Each figure is the mean over back-to-back calls (no read-back); on wasm the stock and engine
 * kernels are measured alternately, three rounds of 0.3 s each, best round reported, so both see
 * the same load on a shared machine.
 */
import '@tensorflow/tfjs-backend-wasm';
import { getKernel, registerKernel, unregisterKernel, type KernelConfig } from '@tensorflow/tfjs-core';
import { initEngine, registerEngineKernels, tf } from '../../../src/engine/index.js';

type Case = [label: string, a: number[], b: number[], ta: boolean, tb: boolean, bias?: boolean];
const CASES: Case[] = [
  ['[256,768]·[768,2304]', [256, 768], [768, 2304], false, false],
  ['[256,768]·[2304,768]ᵀ', [256, 768], [2304, 768], false, true],
  ['[768,256]ᵀ·[768,2304]', [768, 256], [768, 2304], true, false],
  ['[4,256,768]·[768,768]', [4, 256, 768], [768, 768], false, false],
  ['[12,256,64]·[12,64,256]', [12, 256, 64], [12, 64, 256], false, false],
  ['[12,256,64]·[12,256,64]ᵀ', [12, 256, 64], [12, 256, 64], false, true],
  ['[12,256,256]·[12,256,64]', [12, 256, 256], [12, 256, 64], false, false],
  ['fused [256,768]·[768,2304]+bias', [256, 768], [768, 2304], false, false, true],
  ['fused [256,768]·[2304,768]ᵀ+bias', [256, 768], [2304, 768], false, true, true],
];

function flops([, a, b, ta, tb]: Case): number {
  const m = ta ? a.at(-1)! : a.at(-2)!;
  const k = ta ? a.at(-2)! : a.at(-1)!;
  const n = tb ? b.at(-2)! : b.at(-1)!;
  const batch = Math.max(a.length > 2 ? a[0]! : 1, b.length > 2 ? b[0]! : 1);
  return 2 * m * k * n * batch;
}

function measure(c: Case, budgetMs: number): number {
  const [, as, bs, ta, tb, withBias] = c;
  const a = tf.randomNormal(as, 0, 1, 'float32', 1);
  const b = tf.randomNormal(bs, 0, 1, 'float32', 2);
  const bias = tf.randomNormal([tb ? bs.at(-2)! : bs.at(-1)!], 0, 1, 'float32', 3);
  const once = (): void =>
    tf.tidy(() => void (withBias ? tf.fused.matMul({ a, b, transposeA: ta, transposeB: tb, bias }) : tf.matMul(a, b, ta, tb)));
  once();
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < budgetMs || n < 2) {
    once();
    n++;
  }
  const seconds = (performance.now() - t0) / n / 1000;
  tf.dispose([a, b, bias]);
  return flops(c) / seconds / 1e9;
}

const stock: KernelConfig[] = ['BatchMatMul', '_FusedMatMul'].map((k) => ({ ...getKernel(k, 'wasm')! }));
const useStock = (): void => {
  for (const k of stock) {
    unregisterKernel(k.kernelName, 'wasm');
    registerKernel(k);
    k.setupFunc?.(tf.backend());
  }
};
const rows = new Map<string, string[]>(CASES.map((c) => [c[0], []]));

await initEngine('cpu');
for (const c of CASES) rows.get(c[0])!.push(measure(c, 1500).toFixed(2));

await initEngine('wasm');
for (const c of CASES) {
  let [bestStock, bestEngine] = [0, 0];
  for (let round = 0; round < 3; round++) {
    useStock();
    bestStock = Math.max(bestStock, measure(c, 300));
    registerEngineKernels();
    bestEngine = Math.max(bestEngine, measure(c, 300));
  }
  rows.get(c[0])!.push(bestStock.toFixed(1), bestEngine.toFixed(1), `${(bestEngine / bestStock).toFixed(1)}×`);
}

console.log('| product | cpu | wasm stock | wasm engine | speed-up |\n|---|---|---|---|---|');
for (const [label, r] of rows) console.log(`| ${label} | ${r.join(' | ')} |`);
