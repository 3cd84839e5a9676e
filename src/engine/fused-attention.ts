/**
 * Attention's element-wise middle as one op: softmax(scores·scale + bias + mask) over the last
 * axis, with scores `[B, H, T, S]`, an optional additive position bias (ALiBi) and an optional
 * additive mask, each 4-D and broadcastable to the scores with the key axis S in full. On backends
 * with the fused kernel ('native') it is one pass forward and one backward (Megatron's "scaled
 * masked softmax"); elsewhere the composition the attention layer always used. The score products
 * QKᵀ and PV stay matmuls. Gradients flow to the scores only: bias and mask are constants.
 *
 * @example
 * const probs = attentionSoftmaxOp(tf.matMul(q, k, false, true), 1 / Math.sqrt(d), null, mask);
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { ATTN_SOFTMAX, ATTN_SOFTMAX_GRAD } from './fused-kernel-names.js';
import { customOp, hasKernel, run } from './fused-ops.js';

/** The op-by-op version (and the reference): multiply, add bias, add mask, softmax. */
export function composedAttentionSoftmax(scores: Tensor, scale: number, bias: Tensor | null, mask: Tensor | null): Tensor {
  return tf.tidy(() => {
    let s = tf.mul(scores, scale);
    if (bias) s = tf.add(s, bias);
    if (mask) s = tf.add(s, mask);
    return tf.softmax(s, -1);
  });
}

/** A 4-D float32 operand whose every axis is 1 or the scores' (the key axis in full). */
function broadcastable(t: Tensor | null, shape: readonly number[]): boolean {
  if (t === null) return true;
  if (t.dtype !== 'float32' || t.rank !== 4 || t.shape[3] !== shape[3]) return false;
  return t.shape.every((d, i) => d === 1 || d === shape[i]);
}

/** softmax(scores·scale + bias + mask) over the last axis of `[B, H, T, S]` scores. */
export function attentionSoftmaxOp(scores: Tensor, scale: number, bias: Tensor | null, mask: Tensor | null): Tensor {
  const fusable = scores.dtype === 'float32' && scores.rank === 4 && scores.size > 0 && broadcastable(bias, scores.shape) && broadcastable(mask, scores.shape);
  if (!fusable || !hasKernel(ATTN_SOFTMAX) || !hasKernel(ATTN_SOFTMAX_GRAD)) return composedAttentionSoftmax(scores, scale, bias, mask);
  const op = customOp(([x], save) => {
    const [y] = run(ATTN_SOFTMAX, { x: x!, ...(mask ? { mask } : {}), ...(bias ? { bias } : {}) }, { scale });
    save([y!]);
    return { value: y!, gradFunc: (dy: Tensor, saved: Tensor[]) => run(ATTN_SOFTMAX_GRAD, { y: saved[0]!, dy }, { scale })[0]! };
  });
  return op(scores);
}
