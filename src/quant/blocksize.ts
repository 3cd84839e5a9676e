import { fail } from '../diagnostics/index.js';

/** Blocksizes bitsandbytes accepts for 4-bit quantization (`functional.quantize_4bit`). */
export const ALLOWED_BLOCKSIZES: readonly number[] = [32, 64, 128, 256, 512, 1024, 2048, 4096];

/** Throw `QUANT_BLOCKSIZE` unless `b` is one of {@link ALLOWED_BLOCKSIZES}. */
export function checkBlocksize(b: number, where?: string): void {
  if (!ALLOWED_BLOCKSIZES.includes(b)) {
    fail('QUANT_BLOCKSIZE', `blocksize ${String(b)} is not supported${where ? ` (${where})` : ''}`, {
      expected: ALLOWED_BLOCKSIZES.join(', '),
      found: String(b),
      hint: 'use 64 (the bitsandbytes default) or another power of two from 32 to 4096',
    });
  }
}

/** Number of blocks covering n elements (the last one may be partial). */
export function blockCount(n: number, blocksize: number): number {
  return Math.ceil(n / blocksize);
}

/**
 * max |x| over data[start, end) as CUDA's `fmaxf` reduction: NaN elements are skipped, and the
 * result is 0 for an empty or all-zero range.
 */
export function blockAbsmax(data: Float32Array, start: number, end: number): number {
  let m = 0;
  for (let i = start; i < end; i++) {
    const a = Math.abs(data[i] as number);
    if (a > m) m = a;
  }
  return m;
}
