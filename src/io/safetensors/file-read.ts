/**
 * Positioned reads on a file handle: the only way tensors are read, so memory use is one tensor.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { fail, isTuneError } from '../../diagnostics/index.js';
import { failFs } from '../fs-errors.js';

/** Open a file for reading, turning fs errors into IO_FILE_NOT_FOUND / IO_READ_FAILED. */
export async function openForRead(path: string): Promise<FileHandle> {
  try {
    const fh = await open(path, 'r');
    const st = await fh.stat();
    if (st.isDirectory()) {
      await fh.close();
      fail('IO_READ_FAILED', `expected a safetensors file but ${path} is a folder`, {
        file: path, hint: 'name the .safetensors file, or use loadWeights(dir) for a model folder',
      });
    }
    return fh;
  } catch (e) {
    if (isTuneError(e)) throw e;
    failFs(e, path, 'safetensors file');
  }
}

/** Fill `target` from `position`, looping over short reads. */
export async function readInto(fh: FileHandle, position: number, target: Uint8Array, file: string): Promise<void> {
  let done = 0;
  while (done < target.byteLength) {
    // Large tensors are read in ≤1 GiB pieces: a single read() is limited to 2 GiB on Linux.
    const len = Math.min(target.byteLength - done, 1 << 30);
    let bytesRead: number;
    try {
      ({ bytesRead } = await fh.read(target, done, len, position + done));
    } catch (e) {
      failFs(e, file, 'safetensors file');
    }
    if (bytesRead === 0) {
      fail('IO_ST_TRUNCATED', `safetensors file ended while reading ${target.byteLength} bytes at offset ${position}`, {
        file, expected: `${position + target.byteLength} bytes`, found: `${position + done} bytes`,
        hint: 'the file changed or was truncated while it was being read',
      });
    }
    done += bytesRead;
  }
}

/** Read exactly `length` bytes at `position` into a fresh buffer. */
export async function readExactly(fh: FileHandle, position: number, length: number, file: string): Promise<Uint8Array> {
  const buf = new Uint8Array(length);
  await readInto(fh, position, buf, file);
  return buf;
}
