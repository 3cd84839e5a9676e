/**
 * 8-bit blockwise quantization with a 256-entry code (the dynamic map), as bitsandbytes'
 * `quantize_blockwise` / `dequantize_blockwise` on CUDA (`kQuantizeBlockwise` + `dQuantize<0>`).
 * Used for the nested (double) quantization of 4-bit absmax and, via {@link quantizeCode8}, by the
 * 8-bit optimizers.
 */
import { blockAbsmax, blockCount } from './blocksize.js';
import { DYNAMIC_MAP_SIGNED } from './dynamic-map.js';

/**
 * Index of x in a sorted 256-entry code as CUDA `dQuantize<0>` (and the optimizers' `quantize_2D`)
 * pick it: a 7-step binary search from pivot 127 with `x > code[pivot]`, landing on an even pivot p,
 * then a float32 midpoint comparison with the neighbour on the side x lies: above code[p] it moves
 * up only if x > midpoint, below code[p] it moves down only if x < midpoint. So off ties it is the
 * nearest code, and an exact midpoint always stays at the even index p (the upper index when x is
 * below code[p]), where the pure-torch `bucketize` picks the lower index. NaN lands on index 0.
 */
export function quantizeCode8(code: Float32Array, x: number): number {
  let pivot = 127;
  // The brackets start outside the map; they are only read once the search has moved on that side.
  let upperPivot = 255;
  let lowerPivot = 0;
  let lower = code[0] as number;
  let upper = code[255] as number;
  let val = code[pivot] as number;
  for (let step = 64; step > 0; step >>= 1) {
    if (x > val) {
      lowerPivot = pivot;
      lower = val;
      pivot += step;
    } else {
      upperPivot = pivot;
      upper = val;
      pivot -= step;
    }
    val = code[pivot] as number;
  }
  if (x > val) return x > Math.fround((upper + val) * 0.5) ? upperPivot : pivot;
  return x < Math.fround((lower + val) * 0.5) ? lowerPivot : pivot;
}

/** Result of {@link quantizeBlockwise}: one code index per element and float32 absmax per block. */
export interface Blockwise8bit {
  codes: Uint8Array;
  absmax: Float32Array;
}

/**
 * `quantize_blockwise(A, code, blocksize)`: absmax per block, float32 reciprocal, float32 multiply,
 * {@link quantizeCode8}. An all-zero block gets absmax 0 and (0·∞ = NaN) index 0, as on CUDA.
 *
 * @example
 * const { codes, absmax } = quantizeBlockwise(absmaxMinusOffset, DYNAMIC_MAP_SIGNED, 256);
 */
export function quantizeBlockwise(data: Float32Array, code: Float32Array = DYNAMIC_MAP_SIGNED, blocksize = 4096): Blockwise8bit {
  const n = data.length;
  const nb = blockCount(n, blocksize);
  const codes = new Uint8Array(n);
  const absmax = new Float32Array(nb);
  for (let b = 0; b < nb; b++) {
    const start = b * blocksize;
    const end = Math.min(n, start + blocksize);
    const amax = blockAbsmax(data, start, end);
    absmax[b] = amax;
    const recip = Math.fround(1 / amax);
    for (let i = start; i < end; i++) codes[i] = quantizeCode8(code, Math.fround((data[i] as number) * recip));
  }
  return { codes, absmax };
}

/** `dequantize_blockwise`: `code[q] · absmax[i / blocksize]` in float32. */
export function dequantizeBlockwise(codes: Uint8Array, absmax: Float32Array, code: Float32Array = DYNAMIC_MAP_SIGNED, blocksize = 4096): Float32Array {
  const out = new Float32Array(codes.length);
  for (let i = 0; i < codes.length; i++) out[i] = (code[codes[i] as number] as number) * (absmax[Math.floor(i / blocksize)] as number);
  return out;
}
