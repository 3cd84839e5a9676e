/**
 * ALiBi as HF MptForCausalLM builds it: slopes with alibi_bias_max = 8 (HF ignores the config value),
 * odd-then-even reordering for non-power-of-two head counts, bias = slope·(j − (S−1)) over the
 * S key positions (a per-row constant shift of slope·(j − i), identical after softmax).
 */
import { tf } from '../../engine/index.js';

export function alibiSlopes(nHeads: number, alibiBiasMax = 8): Float32Array {
  const n2 = 2 ** Math.ceil(Math.log2(nHeads));
  const all: number[] = [];
  for (let i = 1; i <= n2; i++) all.push(Math.fround(1 / Math.pow(2, Math.fround(i * Math.fround(alibiBiasMax / n2)))));
  let slopes = all;
  if (n2 !== nHeads) {
    const odd = all.filter((_, i) => i % 2 === 1);
    const even = all.filter((_, i) => i % 2 === 0);
    slopes = [...odd, ...even].slice(0, nHeads);
  }
  return Float32Array.from(slopes);
}

/** Bias `[1, H, 1, S]` for S key positions. */
export function alibiBias(slopes: Float32Array, keyLength: number): tf.Tensor4D {
  const H = slopes.length;
  const out = new Float32Array(H * keyLength);
  for (let h = 0; h < H; h++) {
    for (let j = 0; j < keyLength; j++) out[h * keyLength + j] = Math.fround((j - (keyLength - 1)) * (slopes[h] as number));
  }
  return tf.tensor4d(out, [1, H, 1, keyLength]);
}
