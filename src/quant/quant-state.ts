/**
 * `QuantState` as bitsandbytes keeps it for a 4-bit weight (`functional.QuantState`): the packed
 * codes live beside it (`weight`), the state holds the statistics needed to dequantize.
 */
import { fail } from '../diagnostics/index.js';
import { checkBlocksize } from './blocksize.js';
import { codeFor, type QuantType } from './codes.js';
import { compressAbsmax, decompressAbsmax, NESTED_BLOCKSIZE } from './double-quant.js';
import { dequantize4bit, quantize4bit } from './quantize-4bit.js';

/** The dtype a 4-bit weight dequantizes to (the original weight's dtype in bitsandbytes). */
export type QuantDtype = 'float32' | 'bfloat16' | 'float16';

/** The nested state of double-quantized absmax (`QuantState.state2`). */
export interface NestedQuantState {
  /** float32 absmax per 256 codes (`nested_absmax`). */
  absmax: Float32Array;
  /** 256-entry dynamic map (`nested_quant_map`). */
  code: Float32Array;
  blocksize: number;
  dtype: 'float32';
}

/**
 * Statistics of one 4-bit weight. Not nested: `absmax` is float32 per block. Nested (double quant):
 * `absmax` is the uint8 code per block, with `offset` and `state2` to recover it.
 */
export interface QuantState {
  quantType: QuantType;
  blocksize: number;
  /** Original shape, e.g. `[out, in]` for nn.Linear. */
  shape: number[];
  /** On engines without 16-bit floats dequantization computes in float32 whatever this says. */
  dtype: QuantDtype;
  /** The 16-entry code book (`quant_map`). */
  code: Float32Array;
  absmax: Float32Array | Uint8Array;
  offset?: number;
  state2?: NestedQuantState;
}

/** A quantized weight: packed codes (`[(n+1)//2, 1]` uint8) and its state. */
export interface Quantized4bit {
  packed: Uint8Array;
  state: QuantState;
}

export interface QuantizeWeightOptions {
  blocksize?: number;
  quantType?: QuantType;
  /** Double quantization of absmax (HF `bnb_4bit_use_double_quant`); default false. */
  compressStatistics?: boolean;
  /** Recorded in the state; default `float32`. */
  dtype?: QuantDtype;
}

/** Element count of a shape. */
export function numel(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/**
 * `bnb.functional.quantize_4bit` on a host tensor.
 *
 * @example
 * const q = quantizeWeight(w, [out, inF], { quantType: 'nf4', compressStatistics: true });
 */
export function quantizeWeight(data: Float32Array, shape: readonly number[], opts: QuantizeWeightOptions = {}): Quantized4bit {
  const blocksize = opts.blocksize ?? 64;
  const quantType = opts.quantType ?? 'nf4';
  if (numel(shape) !== data.length) {
    fail('QUANT_SHAPE_MISMATCH', `shape [${shape.join(', ')}] does not hold ${data.length} values`, {
      expected: String(numel(shape)),
      found: String(data.length),
      hint: 'pass the weight with its own shape',
    });
  }
  const { packed, absmax } = quantize4bit(data, { blocksize, quantType });
  const base: Omit<QuantState, 'absmax'> = { quantType, blocksize, shape: [...shape], dtype: opts.dtype ?? 'float32', code: codeFor(quantType) };
  if (!opts.compressStatistics) return { packed, state: { ...base, absmax } };
  const nested = compressAbsmax(absmax);
  return {
    packed,
    state: {
      ...base,
      absmax: nested.qabsmax,
      offset: nested.offset,
      state2: { absmax: nested.absmax2, code: nested.code2, blocksize: NESTED_BLOCKSIZE, dtype: 'float32' },
    },
  };
}

/** The float32 absmax per block (recovered from the nested state when double-quantized). */
export function stateAbsmax(state: QuantState): Float32Array {
  if (!state.state2) {
    if (!(state.absmax instanceof Float32Array)) fail('QUANT_STATE_INVALID', 'a 4-bit state without nested statistics has uint8 absmax', { hint: 'the checkpoint lacks `weight.nested_absmax`/`nested_quant_map`' });
    return state.absmax;
  }
  if (!(state.absmax instanceof Uint8Array) || state.offset === undefined) {
    fail('QUANT_STATE_INVALID', 'a nested 4-bit state needs uint8 absmax codes and an offset', { hint: 'the checkpoint is damaged or not written by bitsandbytes' });
  }
  return decompressAbsmax({ qabsmax: state.absmax, offset: state.offset, absmax2: state.state2.absmax, code2: state.state2.code, blocksize2: state.state2.blocksize });
}

/** `bnb.functional.dequantize_4bit`: float32 values in the original row-major shape. */
export function dequantizeWeight(q: Quantized4bit): Float32Array {
  checkBlocksize(q.state.blocksize);
  return dequantize4bit(q.packed, stateAbsmax(q.state), numel(q.state.shape), { blocksize: q.state.blocksize, code: q.state.code });
}

/** Resident bytes of a quantized weight: packed codes + statistics + code books. */
export function quantizedBytes(q: Quantized4bit): number {
  const s = q.state;
  return q.packed.byteLength + s.absmax.byteLength + s.code.byteLength + (s.state2 ? s.state2.absmax.byteLength + s.state2.code.byteLength + 4 : 0);
}
