/**
 * Rotary position embeddings, HF `rotate_half` (NeoX) convention: dimension i pairs with i + d/2.
 * inv_freq follows `modeling_rope_utils` (default, linear, llama3); cos/sin are computed on the host
 * with float32 rounding at the same steps as torch.
 */
import { tf } from '../../engine/index.js';
import type { RopeScaling } from '../llama/config.js';

const f32 = Math.fround;

/** inv_freq[i] = 1 / theta^(2i/d), then the rope_scaling rule. */
export function ropeInvFreq(headDim: number, theta: number, scaling: RopeScaling): Float32Array {
  const half = headDim / 2;
  const inv = new Float32Array(half);
  for (let i = 0; i < half; i++) inv[i] = f32(1 / f32(Math.pow(theta, f32((2 * i) / headDim))));
  if (scaling.type === 'linear') {
    for (let i = 0; i < half; i++) inv[i] = f32((inv[i] as number) / scaling.factor);
  } else if (scaling.type === 'llama3') {
    const { factor, lowFreqFactor, highFreqFactor, originalMaxPositionEmbeddings: old } = scaling;
    const lowWave = old / lowFreqFactor;
    const highWave = old / highFreqFactor;
    for (let i = 0; i < half; i++) {
      const f = inv[i] as number;
      const wavelen = (2 * Math.PI) / f;
      if (wavelen > lowWave) inv[i] = f32(f / factor);
      else if (wavelen >= highWave) {
        // Medium band: smooth interpolation between scaled and unscaled.
        const s = (old / wavelen - lowFreqFactor) / (highFreqFactor - lowFreqFactor);
        inv[i] = f32((1 - s) * (f / factor) + s * f);
      }
    }
  }
  return inv;
}

/** cos and sin tables `[B, 1, T, d]` for the given position ids `[B][T]`. */
export function ropeTables(positions: number[][], invFreq: Float32Array): { cos: tf.Tensor4D; sin: tf.Tensor4D } {
  const B = positions.length;
  const T = positions[0]?.length ?? 0;
  const half = invFreq.length;
  const d = 2 * half;
  const cos = new Float32Array(B * T * d);
  const sin = new Float32Array(B * T * d);
  for (let b = 0; b < B; b++) {
    const row = positions[b] as number[];
    for (let t = 0; t < T; t++) {
      const p = row[t] as number;
      const o = (b * T + t) * d;
      for (let i = 0; i < half; i++) {
        const a = f32(p * (invFreq[i] as number));
        const c = Math.cos(a);
        const s = Math.sin(a);
        cos[o + i] = c;
        cos[o + i + half] = c;
        sin[o + i] = s;
        sin[o + i + half] = s;
      }
    }
  }
  return { cos: tf.tensor4d(cos, [B, 1, T, d]), sin: tf.tensor4d(sin, [B, 1, T, d]) };
}

/** x·cos + rotate_half(x)·sin for x `[B, H, T, d]`. */
export function applyRope(x: tf.Tensor, cos: tf.Tensor, sin: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const d = x.shape[x.rank - 1] as number;
    const [x1, x2] = tf.split(x, [d / 2, d / 2], x.rank - 1) as [tf.Tensor, tf.Tensor];
    const rotated = tf.concat([tf.neg(x2), x1], x.rank - 1);
    return tf.add(tf.mul(x, cos), tf.mul(rotated, sin));
  });
}
