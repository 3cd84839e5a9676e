import { tf } from '../engine/index.js';

export interface ClipResult {
  /** Global L2 norm of all gradients before clipping (what HF logs as grad_norm). */
  totalNorm: number;
  /** The factor applied (1 when no clipping happened). */
  coef: number;
  grads: Map<string, tf.Tensor>;
}

/**
 * `torch.nn.utils.clip_grad_norm_`: total = ‖(‖g_p‖₂)_p‖₂, coef = min(1, max/(total + 1e-6)).
 * Returns new gradient tensors (the inputs are disposed when they were replaced).
 * `maxNorm <= 0` only measures the norm.
 */
export function clipGradNorm(grads: Map<string, tf.Tensor>, maxNorm: number): ClipResult {
  const totalNorm = tf.tidy(() => {
    const norms = [...grads.values()].map((g) => tf.norm(g));
    return norms.length ? tf.norm(tf.stack(norms)) : tf.scalar(0);
  });
  const total = (totalNorm.dataSync() as Float32Array)[0] as number;
  totalNorm.dispose();
  if (maxNorm <= 0) return { totalNorm: total, coef: 1, grads };
  // torch computes the coefficient in float32 from the float32 norm.
  const coef = Math.fround(Math.min(1, Math.fround(maxNorm / Math.fround(total + 1e-6))));
  if (coef >= 1) return { totalNorm: total, coef: 1, grads };
  const out = new Map<string, tf.Tensor>();
  for (const [name, g] of grads) {
    out.set(name, tf.tidy(() => tf.mul(g, coef)));
    g.dispose();
  }
  return { totalNorm: total, coef, grads: out };
}
