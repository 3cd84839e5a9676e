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

/** BLOOM's slopes (`build_alibi_tensor`): geometric from the closest power of two, then odd powers of the next base. */
export function bloomAlibiSlopes(nHeads: number): Float32Array {
  const cp = 2 ** Math.floor(Math.log2(nHeads));
  const base = Math.fround(2 ** -(2 ** -(Math.log2(cp) - 3)));
  const slopes: number[] = [];
  for (let i = 1; i <= cp; i++) slopes.push(Math.fround(base ** i));
  if (cp !== nHeads) {
    const extra = Math.fround(2 ** -(2 ** -(Math.log2(2 * cp) - 3)));
    const remaining = Math.min(cp, nHeads - cp);
    for (let i = 1; i < 1 + 2 * remaining; i += 2) slopes.push(Math.fround(extra ** i));
  }
  return Float32Array.from(slopes);
}

/**
 * BLOOM bias `[B, H, 1, S]`: slope·position of each key, positions = cumsum(mask) − 1 (0 on padding),
 * for `keyMask [B][S]` (1 = token).
 */
export function bloomAlibiBias(slopes: Float32Array, keyMask: number[][]): tf.Tensor4D {
  const B = keyMask.length;
  const S = keyMask[0]?.length ?? 0;
  const H = slopes.length;
  const out = new Float32Array(B * H * S);
  for (let b = 0; b < B; b++) {
    const row = keyMask[b] as number[];
    let cum = 0;
    for (let j = 0; j < S; j++) {
      cum += row[j] as number;
      const pos = (cum - 1) * (row[j] as number);
      for (let h = 0; h < H; h++) out[(b * H + h) * S + j] = Math.fround((slopes[h] as number) * pos);
    }
  }
  return tf.tensor4d(out, [B, H, 1, S]);
}
