/**
 * safetensors dtype table (the Rust `Dtype` enum, in enum order) and the float16 / bfloat16
 * conversions. The enum order matters: the reference writer sorts tensors by dtype descending.
 */

/** Every dtype string the reference reader (safetensors 0.6, `tensor.rs`) accepts, in enum order. */
export const SAFETENSORS_DTYPES = [
  'BOOL', 'F4', 'F6_E2M3', 'F6_E3M2', 'U8', 'I8', 'F8_E5M2', 'F8_E4M3', 'F8_E8M0', 'F8_E4M3FNUZ',
  'F8_E5M2FNUZ', 'I16', 'U16', 'F16', 'BF16', 'I32', 'U32', 'F32', 'C64', 'F64', 'I64', 'U64',
] as const;

/** A dtype string as written in a safetensors header. */
export type SafetensorsDtype = (typeof SAFETENSORS_DTYPES)[number];

const BITS: Readonly<Record<SafetensorsDtype, number>> = {
  BOOL: 8, F4: 4, F6_E2M3: 6, F6_E3M2: 6, U8: 8, I8: 8, F8_E5M2: 8, F8_E4M3: 8, F8_E8M0: 8,
  F8_E4M3FNUZ: 8, F8_E5M2FNUZ: 8, I16: 16, U16: 16, F16: 16, BF16: 16, I32: 32, U32: 32, F32: 32,
  C64: 64, F64: 64, I64: 64, U64: 64,
};

const ORDER = new Map<string, number>(SAFETENSORS_DTYPES.map((d, i) => [d, i]));

/** True when `s` is one of the dtype strings of the reference reader. */
export function isSafetensorsDtype(s: unknown): s is SafetensorsDtype {
  return typeof s === 'string' && ORDER.has(s);
}

/** Bits per element of a dtype (F4 = 4, F6_* = 6, …). */
export function dtypeBits(d: SafetensorsDtype): number {
  return BITS[d];
}

/** Position in the Rust enum; the reference writer orders tensors by this, descending. */
export function dtypeRank(d: SafetensorsDtype): number {
  return ORDER.get(d) ?? 0;
}

// Shared scratch views for bit-level float conversions (single-threaded, so reuse is safe).
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** Decode one IEEE-754 binary16 value given as its 16 raw bits. */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** Encode a number as binary16 bits, rounding to nearest-even (as torch's `.half()` does). */
export function floatToHalf(x: number): number {
  f32[0] = x;
  const b = u32[0] ?? 0;
  const sign = (b >>> 16) & 0x8000;
  const exp = (b >>> 23) & 0xff;
  let mant = b & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  let e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    const half = 1 << (shift - 1);
    let m = mant >>> shift;
    const rest = mant & ((1 << shift) - 1);
    if (rest > half || (rest === half && (m & 1))) m += 1;
    return sign | m;
  }
  let m = mant >>> 13;
  const rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && (m & 1))) {
    m += 1;
    if (m === 0x400) {
      m = 0;
      e += 1;
      if (e >= 0x1f) return sign | 0x7c00;
    }
  }
  return sign | (e << 10) | m;
}

/** Encode a number as bfloat16 bits, rounding to nearest-even; NaN stays a quiet NaN. */
export function floatToBf16(x: number): number {
  f32[0] = x;
  const b = u32[0] ?? 0;
  if ((b & 0x7f800000) === 0x7f800000 && b & 0x7fffff) return ((b >>> 16) | 0x40) & 0xffff;
  return ((b + 0x7fff + ((b >>> 16) & 1)) >>> 16) & 0xffff;
}

/** Decode little-endian F16 bytes to float32. */
export function decodeF16(bytes: Uint8Array): Float32Array {
  const n = bytes.byteLength >>> 1;
  const out = new Float32Array(n);
  const table = halfTable();
  for (let i = 0; i < n; i++) out[i] = table[(bytes[2 * i] ?? 0) | ((bytes[2 * i + 1] ?? 0) << 8)] ?? 0;
  return out;
}

/** Decode little-endian BF16 bytes to float32 (exact: bf16 is the top half of a float32). */
export function decodeBf16(bytes: Uint8Array): Float32Array {
  const n = bytes.byteLength >>> 1;
  const out = new Float32Array(n);
  const bits = new Uint32Array(out.buffer);
  for (let i = 0; i < n; i++) bits[i] = (((bytes[2 * i] ?? 0) | ((bytes[2 * i + 1] ?? 0) << 8)) << 16) >>> 0;
  return out;
}

/** Encode float32 values as little-endian F16 bytes. */
export function encodeF16(data: Float32Array): Uint8Array {
  const out = new Uint8Array(data.length * 2);
  for (let i = 0; i < data.length; i++) {
    const h = floatToHalf(data[i] ?? 0);
    out[2 * i] = h & 0xff;
    out[2 * i + 1] = h >>> 8;
  }
  return out;
}

/** Encode float32 values as little-endian BF16 bytes. */
export function encodeBf16(data: Float32Array): Uint8Array {
  const out = new Uint8Array(data.length * 2);
  for (let i = 0; i < data.length; i++) {
    const h = floatToBf16(data[i] ?? 0);
    out[2 * i] = h & 0xff;
    out[2 * i + 1] = h >>> 8;
  }
  return out;
}

let HALF_TABLE: Float32Array | undefined;
/** All 65536 binary16 values decoded once (256 KiB) so decoding a tensor is a table lookup. */
function halfTable(): Float32Array {
  if (!HALF_TABLE) {
    HALF_TABLE = new Float32Array(65536);
    for (let h = 0; h < 65536; h++) HALF_TABLE[h] = halfToFloat(h);
  }
  return HALF_TABLE;
}
