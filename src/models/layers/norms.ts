/** LayerNorm (optional bias, biased variance as torch) and RMSNorm (Llama), both in fp32. */
import { tf } from '../../engine/index.js';

/** (x − mean) / √(var + eps) · weight (+ bias), biased variance over the last axis. */
export function layerNorm(x: tf.Tensor, weight: tf.Tensor, bias: tf.Tensor | null, eps: number): tf.Tensor {
  return tf.tidy(() => {
    const axis = x.rank - 1;
    const xc = tf.sub(x, tf.mean(x, axis, true));
    const variance = tf.mean(tf.square(xc), axis, true);
    const y = tf.mul(tf.mul(xc, tf.rsqrt(tf.add(variance, eps))), weight);
    return bias ? tf.add(y, bias) : y;
  });
}

/** weight · x / √(mean(x²) + eps) (Llama RMSNorm). */
export function rmsNorm(x: tf.Tensor, weight: tf.Tensor, eps: number): tf.Tensor {
  return tf.tidy(() => {
    const variance = tf.mean(tf.square(x), x.rank - 1, true);
    return tf.mul(weight, tf.mul(x, tf.rsqrt(tf.add(variance, eps))));
  });
}
