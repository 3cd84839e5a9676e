/**
 * LayerNorm (optional bias, biased variance as torch) and RMSNorm (Llama), both in fp32. They are
 * the engine's fused ops: one kernel each way on backends that have it ('native'), the op-by-op
 * composition elsewhere (src/engine/fused-ops.ts).
 */
import { layerNormOp, rmsNormOp, type tf } from '../../engine/index.js';

/** (x − mean) / √(var + eps) · weight (+ bias), biased variance over the last axis. */
export function layerNorm(x: tf.Tensor, weight: tf.Tensor, bias: tf.Tensor | null, eps: number): tf.Tensor {
  return layerNormOp(x, weight, bias, eps);
}

/** weight · x / √(mean(x²) + eps) (Llama RMSNorm). */
export function rmsNorm(x: tf.Tensor, weight: tf.Tensor, eps: number): tf.Tensor {
  return rmsNormOp(x, weight, eps);
}
