/**
 * bitsandbytes' 8-bit dynamic quantization map, `create_dynamic_map(signed, max_exponent_bits=7,
 * total_bits=8)`, reproduced bit for bit.
 *
 * The map is built from `torch.linspace(0.1, 1, k, dtype=float32)`, whose float32 rounding depends on
 * which ATen CPU kernel torch dispatches to: the scalar elements (`start + step·i`, or
 * `end − step·(k−1−i)` past the middle) are fused multiply-adds in the AVX2/AVX512 builds and not in
 * the `default` build, while the vectorized chunks (`base + j·step` inside a vector of 8 or 16
 * lanes, taken in pairs of vectors) are never fused. Every variant below was checked entry for entry
 * against torch 1.13 run with `ATEN_CPU_CAPABILITY=default|avx2|avx512` (tests/fixtures/quant/
 * dynamic-maps.json, written by tools/quant-reference.py). The variants differ by one float32 ulp in
 * 12–45 of the 256 entries, so bitsandbytes itself produces slightly different maps on different
 * CPUs. We use `avx2`, torch's default on x86 (what the reference torch chose unprompted here); a
 * checkpoint carries its own map in `nested_quant_map`, so loading never depends on this choice.
 */

/** Which torch CPU kernel the float32 `linspace` rounding follows. */
export type DynamicMapVariant = 'default' | 'avx2' | 'avx512';

const f = Math.fround;

/** float32 fused multiply-add: a·b of two float32s is exact in float64, so one rounding after the add. */
function fma32(a: number, b: number, c: number): number {
  return f(a * b + c);
}

/** `torch.linspace(0.1, 1, k, dtype=torch.float32)` on the CPU kernel of `variant`. */
export function torchLinspace01(k: number, variant: DynamicMapVariant): Float32Array {
  const start = f(0.1);
  const end = 1;
  const step = f((end - start) / (k - 1));
  const half = Math.floor(k / 2);
  const fused = variant !== 'default';
  const width = variant === 'avx512' ? 16 : 8;
  const scalar = (i: number): number => {
    const [a, b, c] = i < half ? [step, i, start] : [-step, k - i - 1, end];
    return fused ? fma32(a, b, c) : f(f(a * b) + c);
  };
  const out = new Float32Array(k);
  let i = 0;
  // The vectorized loop takes two vectors per iteration; the remainder goes element by element.
  for (; i + 2 * width <= k; ) {
    for (let v = 0; v < 2; v++, i += width) {
      const base = scalar(i);
      out[i] = base;
      for (let j = 1; j < width; j++) out[i + j] = f(f(j * step) + base);
    }
  }
  for (; i < k; i++) out[i] = scalar(i);
  return out;
}

/**
 * `create_dynamic_map(signed, 7, 8)`: 256 sorted float32 values. Signed: 127 negatives, 0, 127
 * positives and 1.0 (no −1.0). Unsigned: 0, 254 positives and 1.0.
 *
 * @example
 * const qmap1 = createDynamicMap(true); // state1 of 8-bit Adam, nested absmax of NF4
 */
export function createDynamicMap(signed: boolean, variant: DynamicMapVariant = 'avx2'): Float32Array {
  const data: number[] = [];
  for (let i = 0; i < 7; i++) {
    const k = signed ? 2 ** i + 1 : 2 ** (i + 1) + 1;
    const b = torchLinspace01(k, variant);
    // Python's `10 ** (i - 6) * tensor` multiplies in float32 with the scalar cast to float32.
    const scale = f(10 ** (i - 6));
    for (let j = 0; j + 1 < k; j++) {
      const mean = f(f((b[j] as number) + (b[j + 1] as number)) / 2);
      data.push(f(scale * mean));
      if (signed) data.push(-f(scale * mean));
    }
  }
  data.push(0, 1);
  data.sort((a, b) => a - b);
  return Float32Array.from(data);
}

/** The signed map (`name2qmap["dynamic"]`), avx2 variant; do not mutate. */
export const DYNAMIC_MAP_SIGNED: Float32Array = createDynamicMap(true);
/** The unsigned map (`name2qmap["udynamic"]`), avx2 variant; do not mutate. */
export const DYNAMIC_MAP_UNSIGNED: Float32Array = createDynamicMap(false);
