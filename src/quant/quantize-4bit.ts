/**
 * Blockwise 4-bit quantization (NF4 / FP4) on host float32 data, byte-compatible with bitsandbytes'
 * `quantize_4bit` / `dequantize_4bit` (CUDA `kQuantizeBlockwise`, `dQuantizeNF4`, `dQuantizeFP4`).
 *
 * Per block of `blocksize` elements of the row-major flattened tensor (blocks cross rows; the last
 * may be partial): absmax in float32; the float32 reciprocal of absmax; each element multiplied by
 * it in float32; the code index from CUDA's threshold tree (`x > t`, so exact ties go to the lower
 * index). Two codes per byte, the first element in the high nibble; an odd length is padded with
 * the code of 0.0. An all-zero block keeps absmax 0 and gets the index of 0.0 (NF4 7, FP4 0) as the
 * pure-torch backend does (it clamps absmax to 1e-38); CUDA computes 0·∞ = NaN there and stores
 * index 0. Both dequantize to 0 (CUDA's to −0).
 */
import { blockAbsmax, blockCount, checkBlocksize } from './blocksize.js';
import { FP4_CODE, NF4_CODE, fp4Index, nf4Index, type QuantType } from './codes.js';

/** Result of {@link quantize4bit}: the bytes of `weight` and the float32 `absmax` per block. */
export interface Packed4bit {
  /** `(n+1)>>1` bytes (bitsandbytes shape `[(n+1)//2, 1]`). */
  packed: Uint8Array;
  absmax: Float32Array;
}

export interface Quantize4bitOptions {
  /** 32…4096, a power of two; default 64. */
  blocksize?: number;
  /** Default `nf4` (bitsandbytes' own default is fp4; QLoRA uses nf4). */
  quantType?: QuantType;
}

/** The code index of 0.0, used for padding and for all-zero blocks. */
export function zeroIndex(type: QuantType): number {
  return type === 'nf4' ? 7 : 0;
}

/**
 * Quantize float32 data to packed 4-bit codes.
 *
 * @example
 * const { packed, absmax } = quantize4bit(weight, { blocksize: 64, quantType: 'nf4' });
 */
export function quantize4bit(data: Float32Array, opts: Quantize4bitOptions = {}): Packed4bit {
  const blocksize = opts.blocksize ?? 64;
  const type = opts.quantType ?? 'nf4';
  checkBlocksize(blocksize, 'quantize_4bit');
  const n = data.length;
  const nb = blockCount(n, blocksize);
  const absmax = new Float32Array(nb);
  const packed = new Uint8Array((n + 1) >> 1);
  const index = type === 'nf4' ? nf4Index : fp4Index;
  const z = zeroIndex(type);
  for (let b = 0; b < nb; b++) {
    const start = b * blocksize;
    const end = Math.min(n, start + blocksize);
    const amax = blockAbsmax(data, start, end);
    absmax[b] = amax;
    const recip = Math.fround(1 / amax);
    for (let i = start; i < end; i++) {
      const q = amax === 0 ? z : index(Math.fround((data[i] as number) * recip));
      const byte = i >> 1;
      packed[byte] = (i & 1) === 0 ? q << 4 : (packed[byte] as number) | q;
    }
  }
  if (n & 1) packed[n >> 1] = (packed[n >> 1] as number) | z;
  return { packed, absmax };
}

/**
 * `out[j] = code[nibble_j] · absmax[j / blocksize]` in float32, for the first `n` elements.
 * `code` defaults to the type's code book; pass a checkpoint's `quant_map` to use that instead.
 */
export function dequantize4bit(
  packed: Uint8Array,
  absmax: Float32Array,
  n: number,
  opts: { blocksize?: number; quantType?: QuantType; code?: Float32Array } = {},
): Float32Array {
  const blocksize = opts.blocksize ?? 64;
  const code = opts.code ?? ((opts.quantType ?? 'nf4') === 'nf4' ? NF4_CODE : FP4_CODE);
  const out = new Float32Array(n);
  dequantize4bitInto(out, packed, absmax, code, blocksize, 0, n);
  return out;
}

/**
 * Dequantize elements [from, to) into `out[0 … to−from)`. The kernel used by `Nf4Linear` to expand
 * one slab of rows at a time without materialising the whole matrix twice.
 */
export function dequantize4bitInto(
  out: Float32Array,
  packed: Uint8Array,
  absmax: Float32Array,
  code: Float32Array,
  blocksize: number,
  from: number,
  to: number,
): void {
  for (let j = from; j < to; j++) {
    const byte = packed[j >> 1] as number;
    const nib = (j & 1) === 0 ? byte >> 4 : byte & 15;
    out[j - from] = (code[nib] as number) * (absmax[Math.floor(j / blocksize)] as number);
  }
}
