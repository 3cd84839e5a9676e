/**
 * The 4-bit code books of bitsandbytes and the decision thresholds its CUDA kernels use to pick a
 * code (bitsandbytes-foundation/bitsandbytes@95f9af3 `csrc/kernels.cu` `dQuantizeNF4`,
 * `dQuantizeFP4`; `functional.py` `get_4bit_type`).
 */

/** A 4-bit data type of bitsandbytes. */
export type QuantType = 'nf4' | 'fp4';

/** NF4 code values in index order 0…15 (float32; hard-coded in bitsandbytes). */
export const NF4_CODE: Float32Array = Float32Array.from([
  -1.0, -0.6961928009986877, -0.5250730514526367, -0.39491748809814453, -0.28444138169288635, -0.18477343022823334,
  -0.09105003625154495, 0.0, 0.07958029955625534, 0.16093020141124725, 0.24611230194568634, 0.33791524171829224,
  0.44070982933044434, 0.5626170039176941, 0.7229568362236023, 1.0,
]);

/** FP4 code values in bit-pattern order (bit 3 is the sign): `[0, .0625, 8, 12, 4, 6, 2, 3, -0, …] / 12`. */
export const FP4_CODE: Float32Array = Float32Array.from(
  [0, 0.0625, 8.0, 12.0, 4.0, 6.0, 2.0, 3.0, -0, -0.0625, -8.0, -12.0, -4.0, -6.0, -2.0, -3.0].map((v) => v / 12),
);

/** The code book of a 4-bit type (a fresh copy, as `quant_map` in a state dict). */
export function codeFor(type: QuantType): Float32Array {
  return (type === 'nf4' ? NF4_CODE : FP4_CODE).slice();
}

/**
 * NF4 thresholds between code i and i+1 (i = 0…14), as float32 literals in the CUDA decision tree.
 * They are the midpoints of the normal map computed in float64 and then rounded to float32, so a
 * scaled value exactly equal to one of them goes to the lower index (`x > t` picks the upper).
 */
export const NF4_THRESHOLDS: Float32Array = Float32Array.from([
  -0.8480964004993439, -0.6106329262256622, -0.4599952697753906, -0.33967943489551544, -0.23460740596055984,
  -0.13791173323988914, -0.045525018125772476, 0.03979014977812767, 0.1202552504837513, 0.2035212516784668,
  0.2920137718319893, 0.3893125355243683, 0.5016634166240692, 0.6427869200706482, 0.8614784181118011,
]);

/**
 * NF4 index of a scaled value, with CUDA's tie and NaN behaviour: the index is the number of
 * thresholds strictly below x, so a tie goes to the lower index and NaN (0·∞ in an all-zero block
 * on CUDA) to index 0. Callers map all-zero blocks to index 7 before calling (see quantize-4bit).
 */
export function nf4Index(x: number): number {
  // The CUDA tree is a balanced binary search over these thresholds; a linear count is the same
  // function (the thresholds are sorted) and easier to audit.
  let i = 0;
  while (i < 15 && x > (NF4_THRESHOLDS[i] as number)) i++;
  return i;
}

/** FP4 thresholds on |x| (float32 literals of the CUDA tree). */
const FP4_T = {
  t0: Math.fround(0.29166667),
  t1: Math.fround(0.583333),
  t2: Math.fround(0.8333333),
  t3: Math.fround(0.4166667),
  t4: Math.fround(0.0859375),
  t5: Math.fround(0.20833333),
  t6: Math.fround(0.00260417),
} as const;

/**
 * FP4 bit pattern of a scaled value as CUDA's `dQuantizeFP4`: sign bit 3 when x < 0 (so −0 and NaN
 * get no sign), magnitude by the binary tree on |x| with `>` (ties to the smaller magnitude).
 */
export function fp4Index(x: number): number {
  const sign = x < 0 ? 8 : 0;
  const a = Math.abs(x);
  let m: number;
  if (a > FP4_T.t0) {
    if (a > FP4_T.t1) m = a > FP4_T.t2 ? 0b011 : 0b010;
    else m = a > FP4_T.t3 ? 0b101 : 0b100;
  } else if (a > FP4_T.t4) m = a > FP4_T.t5 ? 0b111 : 0b110;
  else m = a > FP4_T.t6 ? 0b001 : 0b000;
  return m + sign;
}
