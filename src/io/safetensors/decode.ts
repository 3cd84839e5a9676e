/**
 * Raw little-endian tensor bytes → typed arrays, per dtype. Assumes a little-endian host (every
 * platform Node supports in practice); float formats are widened to float32.
 */
import { fail } from '../../diagnostics/index.js';
import { decodeBf16, decodeF16, type SafetensorsDtype } from './dtypes.js';
import type { HostTensorData } from './types.js';

/**
 * Allocate the typed array a dtype decodes to, and the byte view raw file data can be read into
 * directly (zero-copy for dtypes stored as-is). For converted dtypes `finish` turns the raw bytes
 * into the final array.
 */
export function allocateFor(dtype: SafetensorsDtype, byteLength: number): { raw: Uint8Array; finish: () => HostTensorData } {
  const direct = (make: (buf: ArrayBuffer) => HostTensorData) => {
    const buf = new ArrayBuffer(byteLength);
    const data = make(buf);
    return { raw: new Uint8Array(buf), finish: () => data };
  };
  switch (dtype) {
    case 'F32':
    case 'C64':
      return direct((b) => new Float32Array(b));
    case 'I32':
      return direct((b) => new Int32Array(b));
    case 'U32':
      return direct((b) => new Uint32Array(b));
    case 'I16':
      return direct((b) => new Int16Array(b));
    case 'U16':
      return direct((b) => new Uint16Array(b));
    case 'I8':
      return direct((b) => new Int8Array(b));
    case 'I64':
      return direct((b) => new BigInt64Array(b));
    case 'U64':
      return direct((b) => new BigUint64Array(b));
    case 'F16': {
      const raw = new Uint8Array(byteLength);
      return { raw, finish: () => decodeF16(raw) };
    }
    case 'BF16': {
      const raw = new Uint8Array(byteLength);
      return { raw, finish: () => decodeBf16(raw) };
    }
    case 'F64': {
      const buf = new ArrayBuffer(byteLength);
      return { raw: new Uint8Array(buf), finish: () => Float32Array.from(new Float64Array(buf)) };
    }
    case 'BOOL':
    case 'U8':
    case 'F4':
    case 'F6_E2M3':
    case 'F6_E3M2':
    case 'F8_E5M2':
    case 'F8_E4M3':
    case 'F8_E8M0':
    case 'F8_E4M3FNUZ':
    case 'F8_E5M2FNUZ':
      return direct((b) => new Uint8Array(b));
    default:
      return fail('IO_ST_UNSUPPORTED_DTYPE', `dtype ${String(dtype)} cannot be decoded`, {});
  }
}
