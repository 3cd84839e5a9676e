/**
 * Scaled dot-product attention with grouped-query heads, an additive mask and an optional additive
 * position bias (ALiBi). Query head h uses kv head ⌊h / (H/K)⌋ (HF `repeat_kv`); instead of copying
 * the kv heads, the queries of one group are stacked so one batched matmul serves the whole group.
 */
import { attentionSoftmaxOp, tf } from '../../engine/index.js';

export interface AttentionArgs {
  /** `[B, H, T, d]` */
  q: tf.Tensor;
  /** `[B, K, S, d]` */
  k: tf.Tensor;
  /** `[B, K, S, d]` */
  v: tf.Tensor;
  scale: number;
  /** `[B, 1, T, S]` additive, or null. */
  mask: tf.Tensor | null;
  /** `[1, H, 1, S]` additive (ALiBi), or null. */
  bias?: tf.Tensor | null;
}

/** Returns the attention output merged over heads: `[B, T, H·d]`. */
export function attention(a: AttentionArgs): tf.Tensor {
  return tf.tidy(() => {
    const [B, H, T, d] = a.q.shape as [number, number, number, number];
    const K = a.k.shape[1] as number;
    const S = a.k.shape[2] as number;
    const rep = H / K;
    const q = rep === 1 ? a.q : tf.reshape(a.q, [B, K, rep * T, d]);
    let scores = tf.matMul(q, a.k, false, true);
    if (rep !== 1) scores = tf.reshape(scores, [B, H, T, S]);
    // softmax(scores·scale + bias + mask): one fused pass each way on the native engine.
    let probs: tf.Tensor = attentionSoftmaxOp(scores, a.scale, a.bias ?? null, a.mask);
    if (rep !== 1) probs = tf.reshape(probs, [B, K, rep * T, S]);
    let out = tf.matMul(probs, a.v);
    if (rep !== 1) out = tf.reshape(out, [B, H, T, d]);
    return tf.reshape(tf.transpose(out, [0, 2, 1, 3]), [B, T, H * d]);
  });
}

/** `[B, T, n·d]` → `[B, n, T, d]` */
export function splitHeads(x: tf.Tensor, n: number, d: number): tf.Tensor {
  const [B, T] = x.shape as [number, number, number];
  return tf.transpose(tf.reshape(x, [B, T, n, d]), [0, 2, 1, 3]);
}
