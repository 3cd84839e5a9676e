/**
 * Double quantization of 4-bit absmax (`compress_statistics=True`, HF `bnb_4bit_use_double_quant`):
 * `offset = mean(absmax)`, then the 8-bit blockwise quantization of `absmax − offset` with the
 * signed dynamic map and blocksize 256. Recovery: `code2[q] · absmax2[b / 256] + offset` in float32.
 */
import { DYNAMIC_MAP_SIGNED } from './dynamic-map.js';
import { quantizeBlockwise } from './quantize-blockwise.js';

/** Blocksize of the nested quantization (fixed in bitsandbytes). */
export const NESTED_BLOCKSIZE = 256;

/** The compressed statistics: bitsandbytes' `QuantState.absmax` (uint8), `offset` and `state2`. */
export interface NestedAbsmax {
  /** uint8 code per 4-bit block (`weight.absmax` when nested). */
  qabsmax: Uint8Array;
  /** float32 mean of the original absmax (`nested_offset`). */
  offset: number;
  /** float32 absmax per 256 codes (`weight.nested_absmax`). */
  absmax2: Float32Array;
  /** The 256-entry map (`weight.nested_quant_map`). */
  code2: Float32Array;
  blocksize2: number;
}

/**
 * float32 mean. torch reduces in float32 with pairwise sums (CPU) or a tree (CUDA); we sum in
 * float64 and round once, which is the correctly rounded mean those agree with to within an ulp.
 * The offset is stored in the checkpoint, so a loaded state never recomputes it.
 */
export function float32Mean(data: Float32Array): number {
  let s = 0;
  for (const v of data) s += v;
  return Math.fround(s / data.length);
}

/** Compress per-block absmax values. */
export function compressAbsmax(absmax: Float32Array, code2: Float32Array = DYNAMIC_MAP_SIGNED): NestedAbsmax {
  const offset = float32Mean(absmax);
  const centred = new Float32Array(absmax.length);
  for (let i = 0; i < absmax.length; i++) centred[i] = (absmax[i] as number) - offset;
  const { codes, absmax: absmax2 } = quantizeBlockwise(centred, code2, NESTED_BLOCKSIZE);
  return { qabsmax: codes, offset, absmax2, code2: code2.slice(), blocksize2: NESTED_BLOCKSIZE };
}

/** Recover float32 absmax: `fround(fround(code2[q] · absmax2[b]) + offset)`. */
export function decompressAbsmax(n: NestedAbsmax): Float32Array {
  const out = new Float32Array(n.qabsmax.length);
  for (let i = 0; i < out.length; i++) {
    const scaled = Math.fround((n.code2[n.qabsmax[i] as number] as number) * (n.absmax2[Math.floor(i / n.blocksize2)] as number));
    out[i] = scaled + n.offset;
  }
  return out;
}
