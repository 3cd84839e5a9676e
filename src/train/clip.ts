import { tf } from '../engine/index.js';
import { activeNativeAddon, storageOf } from '../engine/host-storage.js';

export interface ClipResult {
  /** Global L2 norm of all gradients before clipping (what HF logs as grad_norm). */
  totalNorm: number;
  /** The factor applied (1 when no clipping happened). */
  coef: number;
  grads: Map<string, tf.Tensor>;
}

/**
 * The global L2 norm ‖(‖g_p‖₂)_p‖₂ of `grads`. On host-storage backends it is one pass per tensor
 * accumulated in double (native addon or a JavaScript loop) instead of a tfjs reduction chain.
 */
export function globalGradNorm(grads: ReadonlyMap<string, tf.Tensor>): number {
  const arrays = [...grads.values()].map(storageOf);
  if (arrays.every((a) => a !== null)) {
    const addon = activeNativeAddon();
    let sum = 0;
    for (const a of arrays as Float32Array[]) {
      if (addon) sum += addon.sumSquares(a);
      else for (let i = 0; i < a.length; i++) sum += a[i]! * a[i]!;
    }
    return Math.fround(Math.sqrt(sum));
  }
  const totalNorm = tf.tidy(() => {
    const norms = [...grads.values()].map((g) => tf.norm(g));
    return norms.length ? tf.norm(tf.stack(norms)) : tf.scalar(0);
  });
  const total = (totalNorm.dataSync() as Float32Array)[0] as number;
  totalNorm.dispose();
  return total;
}

/**
 * `clip_grad_norm_`'s coefficient min(1, max/(total + 1e-6)), computed in float32 from the float32
 * norm as torch does; 1 when `maxNorm <= 0` (clipping off).
 */
export function clipCoefficient(totalNorm: number, maxNorm: number): number {
  if (maxNorm <= 0) return 1;
  return Math.fround(Math.min(1, Math.fround(maxNorm / Math.fround(totalNorm + 1e-6))));
}

/**
 * `torch.nn.utils.clip_grad_norm_` with the scaled gradients materialised: returns new gradient
 * tensors (the inputs are disposed when they were replaced). `maxNorm <= 0` only measures the norm.
 * The trainer passes the coefficient to the optimizer instead (`Optimizer.step`'s `gradScale`).
 */
export function clipGradNorm(grads: Map<string, tf.Tensor>, maxNorm: number): ClipResult {
  const total = globalGradNorm(grads);
  const coef = clipCoefficient(total, maxNorm);
  if (coef >= 1) return { totalNorm: total, coef: 1, grads };
  const out = new Map<string, tf.Tensor>();
  for (const [name, g] of grads) {
    out.set(name, tf.tidy(() => tf.mul(g, coef)));
    g.dispose();
  }
  return { totalNorm: total, coef, grads: out };
}
