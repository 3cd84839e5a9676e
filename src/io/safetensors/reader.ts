/**
 * Streaming safetensors reader: the header is read with two small reads, then each tensor with one
 * positioned read of exactly its bytes, so a multi-GB checkpoint never sits in one buffer.
 */
import type { FileHandle } from 'node:fs/promises';
import { fail } from '../../diagnostics/index.js';
import { allocateFor } from './decode.js';
import { openForRead, readInto } from './file-read.js';
import { readHeaderFrom } from './header.js';
import type { HostTensor, SafetensorsHeader, TensorInfo, TensorMap, TensorSource } from './types.js';

/** An open safetensors file: validated header plus per-tensor reads. Close it when done. */
export interface SafetensorsFile extends TensorSource {
  readonly path: string;
  readonly header: SafetensorsHeader;
  /** `__metadata__` of the file (empty object when absent). */
  readonly metadata: Record<string, string>;
}

/**
 * Open a safetensors file and validate its header; tensors are read on demand.
 *
 * @example
 * const f = await openSafetensors('model.safetensors');
 * try {
 *   for await (const [name, t] of f) use(name, t); // one tensor in memory at a time
 * } finally { await f.close(); }
 */
export async function openSafetensors(path: string): Promise<SafetensorsFile> {
  const fh = await openForRead(path);
  let header: SafetensorsHeader;
  try {
    header = await readHeaderFrom(fh, path);
  } catch (e) {
    await fh.close();
    throw e;
  }
  return new OpenFile(path, fh, header);
}

class OpenFile implements SafetensorsFile {
  readonly names: readonly string[];
  readonly metadata: Record<string, string>;
  #fh: FileHandle | undefined;

  constructor(readonly path: string, fh: FileHandle, readonly header: SafetensorsHeader) {
    this.#fh = fh;
    this.names = Object.freeze([...header.tensors.keys()]);
    this.metadata = header.metadata;
  }

  info(name: string): TensorInfo | undefined {
    return this.header.tensors.get(name);
  }

  async readRaw(name: string): Promise<Uint8Array> {
    const info = this.#need(name);
    const [b, e] = info.dataOffsets;
    const raw = new Uint8Array(e - b);
    await readInto(this.#handle(), this.header.dataStart + b, raw, this.path);
    return raw;
  }

  async read(name: string): Promise<HostTensor> {
    const info = this.#need(name);
    const [b, e] = info.dataOffsets;
    let alloc: ReturnType<typeof allocateFor>;
    try {
      alloc = allocateFor(info.dtype, e - b);
    } catch (err) {
      if (!(err instanceof RangeError)) throw err;
      fail('IO_ST_TENSOR_TOO_LARGE', `tensor \`${name}\` (${e - b} bytes) does not fit in one JavaScript buffer`, {
        file: this.path, path: `/${name}`, found: `${e - b} bytes`, hint: 'the tensor exceeds this Node.js buffer limit (buffer.constants.MAX_LENGTH); Node.js 22 or later allows larger buffers',
      });
    }
    await readInto(this.#handle(), this.header.dataStart + b, alloc.raw, this.path);
    return { dtype: info.dtype, shape: [...info.shape], data: alloc.finish() };
  }

  async *[Symbol.asyncIterator](): AsyncIterator<[string, HostTensor]> {
    for (const name of this.names) yield [name, await this.read(name)];
  }

  async close(): Promise<void> {
    const fh = this.#fh;
    this.#fh = undefined;
    await fh?.close();
  }

  #need(name: string): TensorInfo {
    const info = this.header.tensors.get(name);
    if (!info) {
      fail('IO_ST_TENSOR_NOT_FOUND', `tensor \`${name}\` is not in ${this.path}`, {
        file: this.path, found: `${this.names.length} tensors${this.names.length ? `, e.g. \`${this.names[0]}\`` : ''}`,
        hint: 'check the tensor name (HF names include prefixes such as `model.` or `transformer.`)',
      });
    }
    return info;
  }

  #handle(): FileHandle {
    if (!this.#fh) throw new Error(`safetensors file ${this.path} was read after close()`);
    return this.#fh;
  }
}

/**
 * Read every tensor of a safetensors file (or only those `filter` accepts) into a map, streaming
 * tensor by tensor. Float dtypes come back as Float32Array.
 */
export async function loadSafetensors(path: string, filter?: (name: string) => boolean): Promise<TensorMap> {
  const f = await openSafetensors(path);
  try {
    const out: TensorMap = new Map();
    for (const name of f.names) if (!filter || filter(name)) out.set(name, await f.read(name));
    return out;
  } finally {
    await f.close();
  }
}
