/**
 * safetensors reading and writing. PROVISIONAL minimal implementation (whole-file read, no
 * validation); the IO work replaces the internals behind the same exported API.
 */
import { readFile } from 'node:fs/promises';

export type SafetensorsDtype = 'F32' | 'F16' | 'BF16' | 'F64' | 'I64' | 'I32' | 'I16' | 'I8' | 'U8' | 'BOOL' | string;

/** A tensor in host memory. Float dtypes (F32/F16/BF16/F64) are always decoded to Float32Array. */
export interface HostTensor {
  /** dtype as stored in the file (after decoding, `data` is Float32Array for float dtypes). */
  dtype: SafetensorsDtype;
  shape: number[];
  data: Float32Array | Int32Array | Uint8Array | Int8Array | Int16Array | BigInt64Array;
}

export type TensorMap = Map<string, HostTensor>;

/** Read every tensor of a safetensors file. */
export async function loadSafetensors(path: string): Promise<TensorMap> {
  const buf = await readFile(path);
  const n = Number(buf.readBigUInt64LE(0));
  const header = JSON.parse(buf.subarray(8, 8 + n).toString('utf8')) as Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
  const base = 8 + n;
  const out: TensorMap = new Map();
  for (const [name, info] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const [b, e] = info.data_offsets;
    const bytes = buf.subarray(base + b, base + e);
    if (info.dtype !== 'F32') throw new Error(`provisional reader: dtype ${info.dtype} unsupported`);
    const data = new Float32Array(bytes.byteLength / 4);
    new Uint8Array(data.buffer).set(bytes);
    out.set(name, { dtype: info.dtype, shape: info.shape, data });
  }
  return out;
}
