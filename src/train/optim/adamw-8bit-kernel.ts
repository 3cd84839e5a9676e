/**
 * Host kernels of bitsandbytes' 8-bit AdamW (`kOptimizerStatic8bit2StateBlockwise`, bitsandbytes
 * @95f9af3 `csrc/kernels.cu`) and of its 32-bit fallback for small tensors.
 *
 * Arithmetic is float64 per element with the states rounded to float32 where the kernel stores
 * them; CUDA computes in float32 registers with `__powf` / `__fdividef`, so a state value lying within
 * float32 rounding of a code midpoint may get the neighbouring code there. Everything else (blocking,
 * absmax, the code search, the sign fix, the order of update and decay) follows the kernel.
 */
import { quantizeCode8 } from '../../quant/quantize-blockwise.js';

/** 8-bit state of one parameter: codes and float32 absmax per block for m (state1) and v (state2). */
export interface Adam8bitState {
  state1: Uint8Array;
  state2: Uint8Array;
  absmax1: Float32Array;
  absmax2: Float32Array;
}

/** Per-step scalars shared by every tensor. */
export interface AdamStepScalars {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  step: number;
}

const signbit = (x: number): boolean => x < 0 || Object.is(x, -0);

/** Fresh 8-bit state for n elements (codes 0, absmax 0 → every value dequantizes to 0). */
export function newAdam8bitState(n: number, blocksize: number): Adam8bitState {
  const nb = Math.ceil(n / blocksize);
  return { state1: new Uint8Array(n), state2: new Uint8Array(n), absmax1: new Float32Array(nb), absmax2: new Float32Array(nb) };
}

/**
 * One 8-bit AdamW step in place on `p` and `s`. Per block: dequantize m and v with the old absmax,
 * `m = β1·m + (1−β1)·g`, `v = β2·v + (1−β2)·g²` (both 0 where g is NaN/±Inf); the new absmax is the
 * block max of |m| and |v|; `p += −lr·√(1−β2^t)/(1−β1^t) · m / (√v + eps·√(1−β2^t))`, then
 * `p *= 1 − lr·wd` (decay after the update, as the 8-bit kernel does); p is left as it was where g is
 * not finite. m and v are requantized to the nearest code of their maps, and an m code whose sign
 * differs from m's moves one step toward m's sign.
 */
export function adam8bitStep(
  p: Float32Array,
  g: Float32Array,
  s: Adam8bitState,
  qmap1: Float32Array,
  qmap2: Float32Array,
  k: AdamStepScalars,
  blocksize: number,
): void {
  const n = p.length;
  const correction1 = 1 - k.beta1 ** k.step;
  const correction2 = Math.sqrt(1 - k.beta2 ** k.step);
  const stepSize = (-k.lr * correction2) / correction1;
  const decay = k.weightDecay > 0 ? 1 - k.lr * k.weightDecay : 1;
  const m = new Float32Array(blocksize);
  const v = new Float32Array(blocksize);
  for (let start = 0, b = 0; start < n; start += blocksize, b++) {
    const end = Math.min(n, start + blocksize);
    const a1 = s.absmax1[b] as number;
    const a2 = s.absmax2[b] as number;
    let max1 = 0;
    let max2 = 0;
    for (let i = start; i < end; i++) {
      const gi = g[i] as number;
      let m1 = 0;
      let v1 = 0;
      if (Number.isFinite(gi)) {
        v1 = (qmap2[s.state2[i] as number] as number) * a2 * k.beta2 + (1 - k.beta2) * gi * gi;
        m1 = (qmap1[s.state1[i] as number] as number) * a1 * k.beta1 + (1 - k.beta1) * gi;
      }
      m[i - start] = m1;
      v[i - start] = v1;
      const mi = m[i - start] as number;
      const vi = v[i - start] as number;
      if (Math.abs(mi) > max1) max1 = Math.abs(mi);
      if (Math.abs(vi) > max2) max2 = Math.abs(vi);
      if (Number.isFinite(gi)) {
        const upd = (p[i] as number) + stepSize * (mi / (Math.sqrt(vi) + correction2 * k.eps));
        p[i] = decay !== 1 ? Math.fround(upd) * decay : upd;
      }
    }
    s.absmax1[b] = max1;
    s.absmax2[b] = max2;
    const r1 = s.absmax1[b] as number;
    const r2 = s.absmax2[b] as number;
    for (let i = start; i < end; i++) {
      const mi = m[i - start] as number;
      let c1 = quantizeCode8(qmap1, Math.fround(mi / r1));
      if (signbit(qmap1[c1] as number) !== signbit(mi)) c1 = (mi > 0 ? c1 + 1 : c1 - 1) & 255;
      s.state1[i] = c1;
      s.state2[i] = quantizeCode8(qmap2, Math.fround((v[i - start] as number) / r2));
    }
  }
}

/** Dequantized m and v of an 8-bit state (for inspection and tests). */
export function adam8bitMoments(s: Adam8bitState, qmap1: Float32Array, qmap2: Float32Array, blocksize: number): { m: Float32Array; v: Float32Array } {
  const n = s.state1.length;
  const m = new Float32Array(n);
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const b = Math.floor(i / blocksize);
    m[i] = (qmap1[s.state1[i] as number] as number) * (s.absmax1[b] as number);
    v[i] = (qmap2[s.state2[i] as number] as number) * (s.absmax2[b] as number);
  }
  return { m, v };
}

/**
 * torch.optim.AdamW on host arrays (the 32-bit path bitsandbytes takes for tensors under
 * `min_8bit_size`): decay first, m by lerp, eps after the bias-corrected square root.
 */
export function adam32bitStep(p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, k: AdamStepScalars): void {
  const decay = 1 - k.lr * k.weightDecay;
  const stepSize = k.lr / (1 - k.beta1 ** k.step);
  const bc2Sqrt = Math.sqrt(1 - k.beta2 ** k.step);
  for (let i = 0; i < p.length; i++) {
    const gi = g[i] as number;
    const pd = k.weightDecay !== 0 ? Math.fround((p[i] as number) * decay) : (p[i] as number);
    m[i] = (m[i] as number) + (1 - k.beta1) * (gi - (m[i] as number));
    v[i] = k.beta2 * (v[i] as number) + (1 - k.beta2) * gi * gi;
    const denom = Math.sqrt(v[i] as number) / bc2Sqrt + k.eps;
    p[i] = pd - stepSize * ((m[i] as number) / denom);
  }
}
