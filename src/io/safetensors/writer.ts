/**
 * safetensors writer matching the reference Rust writer byte for byte: `__metadata__` first with
 * `"format":"pt"`, compact JSON padded with spaces to a multiple of 8, tensors sorted by dtype
 * (enum order, descending) then name, stored contiguously. Files are written atomically and
 * tensor by tensor.
 */
import type { FileHandle } from 'node:fs/promises';
import { fail } from '../../diagnostics/index.js';
import { withAtomicFile } from '../atomic.js';
import { dtypeRank, type SafetensorsDtype } from './dtypes.js';
import { encodeTensor, storedByteLength, storedDtype, type FloatStorage } from './encode.js';
import type { HostTensor } from './types.js';

/** Tensors to write: a TensorMap or a plain record. */
export type TensorInput = ReadonlyMap<string, HostTensor> | Readonly<Record<string, HostTensor>>;

/** Options of the safetensors writers. */
export interface SaveSafetensorsOptions {
  /** Storage of float tensors: `F32` (default), `F16`, `BF16`, or `keep` each tensor's `dtype`. */
  dtype?: FloatStorage;
}

/** One tensor as it will be stored. */
export interface PlannedTensor {
  name: string;
  tensor: HostTensor;
  dtype: SafetensorsDtype;
  begin: number;
  end: number;
}

/** Header bytes (length prefix + padded JSON) and the tensors in storage order. */
export interface SafetensorsPlan {
  head: Uint8Array;
  tensors: PlannedTensor[];
  /** Total file size in bytes. */
  size: number;
}

/** The (name, tensor) pairs of a TensorInput, in insertion order. */
export function tensorEntries(tensors: TensorInput): [string, HostTensor][] {
  return tensors instanceof Map ? [...tensors.entries()] : Object.entries(tensors as Record<string, HostTensor>);
}

const utf8 = new TextEncoder();

function compareUtf8(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** Lay out a file: dtypes, order, offsets and the header, without encoding any data yet. */
export function planSafetensors(tensors: TensorInput, metadata: Record<string, string> = {}, options: SaveSafetensorsOptions = {}): SafetensorsPlan {
  const floats = options.dtype ?? 'F32';
  const items = tensorEntries(tensors).map(([name, tensor]) => {
    if (name === '__metadata__') {
      fail('IO_ST_BAD_TENSOR', 'a tensor cannot be named `__metadata__`', { hint: 'rename the tensor' });
    }
    const dtype = storedDtype(name, tensor, floats);
    return { name, tensor, dtype, bytes: storedByteLength(name, tensor, dtype) };
  });
  items.sort((a, b) => dtypeRank(b.dtype) - dtypeRank(a.dtype) || compareUtf8(a.name, b.name));
  // transformers refuses files whose format is not pt/tf/flax/mlx, so `format` is always `pt`.
  const merged: Record<string, unknown> = { ...metadata, format: 'pt' };
  const meta: Record<string, string> = {};
  for (const k of Object.keys(merged).sort(compareUtf8)) {
    const v = merged[k];
    if (typeof v !== 'string') {
      fail('IO_ST_METADATA', `metadata value \`${k}\` is not a string`, { expected: 'string', found: typeof v, hint: 'safetensors metadata is a string → string map' });
    }
    meta[k] = v;
  }
  let offset = 0;
  const planned: PlannedTensor[] = [];
  const parts = [`"__metadata__":${JSON.stringify(meta)}`];
  for (const it of items) {
    const begin = offset;
    offset += it.bytes;
    planned.push({ name: it.name, tensor: it.tensor, dtype: it.dtype, begin, end: offset });
    parts.push(`${JSON.stringify(it.name)}:{"dtype":"${it.dtype}","shape":${JSON.stringify(it.tensor.shape)},"data_offsets":[${begin},${offset}]}`);
  }
  const json = utf8.encode(`{${parts.join(',')}}`);
  const padded = Math.ceil(json.byteLength / 8) * 8;
  const head = new Uint8Array(8 + padded).fill(0x20, 8 + json.byteLength);
  new DataView(head.buffer).setBigUint64(0, BigInt(padded), true);
  head.set(json, 8);
  return { head, tensors: planned, size: head.byteLength + offset };
}

async function writeAll(fh: FileHandle, bytes: Uint8Array): Promise<void> {
  let done = 0;
  while (done < bytes.byteLength) {
    const { bytesWritten } = await fh.write(bytes, done, Math.min(bytes.byteLength - done, 1 << 30));
    done += bytesWritten;
  }
}

/** Stream a planned file into an open handle, one tensor encoded at a time. */
export async function writePlan(fh: FileHandle, plan: SafetensorsPlan): Promise<void> {
  await writeAll(fh, plan.head);
  for (const t of plan.tensors) await writeAll(fh, encodeTensor(t.tensor, t.dtype));
}

/**
 * Write tensors to a safetensors file atomically (temp file in the same folder, fsync, rename).
 * `__metadata__` always holds `"format":"pt"`, merged with `metadata`.
 *
 * @example
 * await saveSafetensors('adapter_model.safetensors', tensors);                  // F32
 * await saveSafetensors('model.safetensors', tensors, {}, { dtype: 'BF16' });   // bf16 storage
 */
export async function saveSafetensors(path: string, tensors: TensorInput, metadata: Record<string, string> = {}, options: SaveSafetensorsOptions = {}): Promise<void> {
  const plan = planSafetensors(tensors, metadata, options);
  await withAtomicFile(path, (fh) => writePlan(fh, plan));
}

/** Serialize tensors to one in-memory buffer (for small files and tests). */
export function serializeSafetensors(tensors: TensorInput, metadata: Record<string, string> = {}, options: SaveSafetensorsOptions = {}): Uint8Array {
  const plan = planSafetensors(tensors, metadata, options);
  const out = new Uint8Array(plan.size);
  out.set(plan.head, 0);
  let pos = plan.head.byteLength;
  for (const t of plan.tensors) {
    out.set(encodeTensor(t.tensor, t.dtype), pos);
    pos += t.end - t.begin;
  }
  return out;
}
