/**
 * A kept transposed copy of a frozen weight. On wasm a matmul with a transposed operand costs a
 * full transpose of that operand per call (≈0.9 s for a 50257×768 LM head vs 22 ms pre-transposed),
 * so frozen `[out, in]` weights are transposed once and reused until the weight tensor changes.
 * Costs one extra copy of each frozen nn.Linear weight; trainable weights are never cached.
 */
import { tf } from '../../engine/index.js';

export class TransposeCache {
  private source: tf.Tensor | null = null;
  private transposed: tf.Tensor | null = null;

  /** `wᵀ`, recomputed only when `w` is a different (or disposed) tensor than last time. */
  get(w: tf.Tensor): tf.Tensor {
    if (this.transposed === null || this.source !== w || this.transposed.isDisposed) {
      this.transposed?.dispose();
      this.transposed = tf.keep(tf.transpose(w));
      this.source = w;
    }
    return this.transposed;
  }

  dispose(): void {
    this.transposed?.dispose();
    this.transposed = null;
    this.source = null;
  }
}

/**
 * `x [N, in] · Wᵀ` for a frozen `W [out, in]` with its cached transpose `wT [in, out]`, such that both
 * directions are plain (non-transposed) matmuls: forward `x·wT`, backward `dx = dy·W`. The weight is a
 * constant here (no gradient), which is what frozen means.
 */
export function frozenMatMulT(x: tf.Tensor, w: tf.Tensor, wT: tf.Tensor): tf.Tensor {
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    (args[1] as tf.GradSaveFunc)([]);
    return { value: tf.matMul(args[0] as tf.Tensor, wT), gradFunc: (dy: tf.Tensor) => tf.matMul(dy, w) };
  });
  return f(x);
}
