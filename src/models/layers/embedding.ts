/**
 * Embedding lookup `weight[ids]`. Uses gatherNd rather than gather: gather's gradient is an
 * UnsortedSegmentSum, which the cpu backend computes in O(vocab × tokens) (~10 s per step for a
 * 50k vocabulary), while gatherNd's gradient is a scatter, linear in the tokens, on every backend.
 */
import { tf } from '../../engine/index.js';

/** `weight [V, d]`, `ids [B, T]` int32 → `[B, T, d]`. */
export function embed(weight: tf.Tensor, ids: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.gatherND(weight, tf.expandDims(ids, -1)));
}
