/**
 * Turn a dense projection into a frozen 4-bit one, as transformers' bitsandbytes integration does
 * when it loads a model with `load_in_4bit`: nn.Linear weights `[out, in]` are quantized as they are,
 * GPT-2 Conv1D weights `[in, out]` are transposed to `[out, in]` first, so the bytes equal what
 * `Linear4bit` would hold and save. The bias stays a frozen float parameter.
 */
import { tf } from '../../engine/index.js';
import type { DenseLinear } from './linear.js';
import { Parameter } from './parameter.js';
import type { LinearLayout } from '../types.js';
import { Nf4Linear } from './nf4-linear.js';
import { quantizeWeight, type QuantizeWeightOptions } from '../../quant/quant-state.js';

/** Row-major [rows, cols] → [cols, rows]. */
export function transpose2d(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = data[r * cols + c] as number;
  return out;
}

/**
 * Quantize a dense slot implementation and return its 4-bit replacement; the dense one is disposed.
 *
 * @example
 * const old = model.replaceLinear(path, placeholder); // or read slot.impl
 * model.replaceLinear(path, quantizeDense(old as DenseLinear, { quantType: 'nf4', compressStatistics: true }));
 */
export function quantizeDense(dense: DenseLinear, opts: QuantizeWeightOptions = {}): Nf4Linear {
  const [d0, d1] = dense.weight.shape as [number, number];
  const w = dense.weight.value.dataSync() as Float32Array;
  const [outF, inF] = dense.layout === 'conv1d' ? [d1, d0] : [d0, d1];
  const outIn = dense.layout === 'conv1d' ? transpose2d(w, d0, d1) : w;
  const q = quantizeWeight(outIn, [outF, inF], opts);
  const bias = dense.bias ? new Parameter(dense.bias.name, tf.clone(dense.bias.value), false) : null;
  dense.dispose();
  return new Nf4Linear(q, 'linear', bias);
}

/**
 * The dequantized weight in a slot's HF layout (`[out, in]` for nn.Linear, `[in, out]` for Conv1D),
 * for merged exports: W + ΔW is then a plain add in that layout.
 */
export function dequantizedInLayout(lin: Nf4Linear, layout: LinearLayout): Float32Array {
  return layout === 'conv1d' ? lin.weightInOut() : lin.weightOutIn();
}
