/**
 * Host tensors → safetensors bytes: choosing the stored dtype and encoding the data.
 */
import { fail } from '../../diagnostics/index.js';
import { dtypeBits, encodeBf16, encodeF16, type SafetensorsDtype } from './dtypes.js';
import type { HostTensor } from './types.js';

/** How float tensors are stored: a fixed dtype, or `keep` to use each tensor's own `dtype`. */
export type FloatStorage = 'F32' | 'F16' | 'BF16' | 'keep';

const BYTE_DTYPES = new Set<SafetensorsDtype>(['U8', 'BOOL', 'F8_E5M2', 'F8_E4M3', 'F8_E8M0', 'F8_E4M3FNUZ', 'F8_E5M2FNUZ', 'F4', 'F6_E2M3', 'F6_E3M2']);

/** The dtype a tensor is written as. */
export function storedDtype(name: string, t: HostTensor, floats: FloatStorage): SafetensorsDtype {
  const d = t.data;
  if (d instanceof Float32Array) {
    if (t.dtype === 'C64') return 'C64';
    if (floats !== 'keep') return floats;
    if (t.dtype === 'F32' || t.dtype === 'F16' || t.dtype === 'BF16' || t.dtype === 'F64') return t.dtype;
    return 'F32';
  }
  if (d instanceof Uint8Array) return BYTE_DTYPES.has(t.dtype) ? t.dtype : 'U8';
  if (d instanceof Int8Array) return 'I8';
  if (d instanceof Int16Array) return 'I16';
  if (d instanceof Uint16Array) return 'U16';
  if (d instanceof Int32Array) return 'I32';
  if (d instanceof Uint32Array) return 'U32';
  if (d instanceof BigInt64Array) return 'I64';
  if (d instanceof BigUint64Array) return 'U64';
  return fail('IO_ST_BAD_TENSOR', `tensor \`${name}\` has unsupported data storage`, {
    expected: 'a Float32Array or an integer typed array', hint: 'convert the data to a typed array first',
  });
}

/** Byte length of a tensor once stored as `dtype`, after checking that shape and data agree. */
export function storedByteLength(name: string, t: HostTensor, dtype: SafetensorsDtype): number {
  let elements = 1;
  for (const dim of t.shape) {
    if (!Number.isInteger(dim) || dim < 0) {
      fail('IO_ST_BAD_TENSOR', `tensor \`${name}\` has an invalid shape [${t.shape.join(', ')}]`, {
        expected: 'non-negative integer dimensions', found: `[${t.shape.join(', ')}]`, hint: 'fix the shape of the tensor passed to the writer',
      });
    }
    elements *= dim;
  }
  const bits = dtypeBits(dtype);
  // Sub-byte and complex dtypes arrive as raw bytes / interleaved pairs: compare bytes, not elements.
  const bytes = (elements * bits) / 8;
  const haveBytes = t.data instanceof Float32Array && dtype !== 'C64' ? t.data.length * (bits / 8) : t.data.byteLength;
  if (!Number.isInteger(bytes) || haveBytes !== bytes) {
    fail('IO_ST_BAD_TENSOR', `tensor \`${name}\`: shape [${t.shape.join(', ')}] does not match its data`, {
      expected: `${elements} elements of ${dtype}`, found: `${t.data.length} elements (${t.data.byteLength} bytes)`,
      hint: 'the data length must equal the product of the shape',
    });
  }
  return bytes;
}

/** Little-endian bytes of a tensor stored as `dtype` (a view, not a copy, when no conversion is needed). */
export function encodeTensor(t: HostTensor, dtype: SafetensorsDtype): Uint8Array {
  const d = t.data;
  if (d instanceof Float32Array) {
    if (dtype === 'F16') return encodeF16(d);
    if (dtype === 'BF16') return encodeBf16(d);
    if (dtype === 'F64') {
      const f64 = Float64Array.from(d);
      return new Uint8Array(f64.buffer);
    }
  }
  return new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
}
