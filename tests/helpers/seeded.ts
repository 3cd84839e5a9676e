/**
 * Deterministic test inputs: `n` values in [shift − scale, shift + scale) from a 32-bit LCG, so
 * every backend and every run sees the same numbers.
 */
export function seededValues(n: number, seed: number, scale = 1, shift = 0): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s = (s * 1664525 + 1013904223) >>> 0;
    out[i] = ((s / 2 ** 32) * 2 - 1) * scale + shift;
  }
  return out;
}
