/**
 * Measure resident bytes and host speed of 4-bit weights (not run by tests):
 *   npx tsx tools/quant-bytes.ts [rows] [cols]
 * Prints bytes/parameter of NF4 with and without double quantization (counted and as the growth of
 * Node's ArrayBuffer memory), and the time to quantize and to expand for one matmul.
 */
import { expand4bit, quantizeWeight, quantizedBytes, type Quantized4bit } from '../src/quant/index.js';

const rows = Number(process.argv[2] ?? 4096);
const cols = Number(process.argv[3] ?? 4096);
const n = rows * cols;
const w = new Float32Array(n);
let s = 1;
for (let i = 0; i < n; i++) {
  s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
  w[i] = (s / 2 ** 31 - 1) * 0.02;
}

function arrayBuffers(): number {
  globalThis.gc?.();
  globalThis.gc?.();
  return process.memoryUsage().arrayBuffers;
}

const kept: Quantized4bit[] = [];
for (const dq of [false, true]) {
  const before = arrayBuffers();
  let t = performance.now();
  const q: Quantized4bit = quantizeWeight(w, [rows, cols], { quantType: 'nf4', compressStatistics: dq });
  const tq = performance.now() - t;
  kept.push(q);
  const grown = arrayBuffers() - before;
  t = performance.now();
  expand4bit(q, false);
  const te = performance.now() - t;
  t = performance.now();
  expand4bit(q, true);
  const tt = performance.now() - t;
  console.log(
    `nf4 ${rows}x${cols} double_quant=${dq}: ${(quantizedBytes(q) / n).toFixed(5)} byte/param counted, ` +
      `${(grown / n).toFixed(5)} measured; quantize ${tq.toFixed(0)} ms, expand ${te.toFixed(0)} ms (${((te * 1e6) / n).toFixed(2)} ns/param), transposed ${tt.toFixed(0)} ms`,
  );
}
