/**
 * The fused AdamW update on host storage: one pass over p, g, m and v in place, through the
 * native addon (both cores) when it drives the backend, else a JavaScript loop that rounds every
 * operation to float32 exactly as the addon does. Used by {@link AdamW} on the 'native' and 'cpu'
 * backends; the tfjs-op path remains for wasm and TensorFlow.
 */
import type { NativeAddon } from '../../engine/native/addon.js';

/** The scalars of one AdamW step for one parameter group (see torch's `_single_tensor_adamw`). */
export interface AdamWStepScalars {
  /** 1 − lr·weight_decay (decoupled decay, applied first). */
  decay: number;
  beta1: number;
  beta2: number;
  /** √(1 − β2^t). */
  biasCorrection2Sqrt: number;
  eps: number;
  /** lr / (1 − β1^t). */
  stepSize: number;
  /** Factor applied to the gradient first (clip_grad_norm_'s coefficient; 1 for none). */
  gradScale: number;
}

/** The addon's coefficient vector (native/src/optim.c). */
export function adamwCoefficients(k: AdamWStepScalars): Float64Array {
  return Float64Array.of(k.decay, 1 - k.beta1, k.beta2, 1 - k.beta2, k.biasCorrection2Sqrt, k.eps, k.stepSize, k.gradScale);
}

/** One AdamW step in place on `p`, `m` and `v` (same length as `g`). */
export function adamwHostStep(p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, k: AdamWStepScalars, addon: NativeAddon | null): void {
  const coefficients = adamwCoefficients(k);
  if (addon) {
    addon.adamw(p, g, m, v, coefficients);
    return;
  }
  const f = Math.fround;
  const [decay, c1, b2, c2, bc2, eps, step, scale] = Array.from(coefficients, f) as [number, number, number, number, number, number, number, number];
  const negStep = -step;
  for (let i = 0; i < p.length; i++) {
    const gi = scale !== 1 ? f(g[i]! * scale) : g[i]!;
    const pi = decay !== 1 ? f(p[i]! * decay) : p[i]!;
    const mi = f(m[i]! + f(c1 * f(gi - m[i]!)));
    const vi = f(f(v[i]! * b2) + f(f(c2 * gi) * gi));
    const denom = f(f(f(Math.sqrt(vi)) / bc2) + eps);
    m[i] = mi;
    v[i] = vi;
    p[i] = f(pi + f(negStep * f(mi / denom)));
  }
}
