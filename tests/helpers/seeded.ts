/**
 * Deterministic test inputs from a 32-bit LCG, so every backend and every run sees the same
 * numbers: element i is (s_i / 2³¹ − 1)·scale + shift with s_i uniform in [0, 2³²), i.e. in
 * [shift − scale, shift + scale). `scale` may vary by element (a function of i).
 */
export function seededValues(n: number, seed: number, scale: number | ((i: number) => number) = 1, shift = 0): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s / 2 ** 31 - 1) * (typeof scale === 'number' ? scale : scale(i)) + shift;
  }
  return out;
}
