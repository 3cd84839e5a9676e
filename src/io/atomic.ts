/**
 * Atomic file and folder writes: build the output under a temporary sibling name, fsync it, then
 * rename it into place. A crash or error leaves either the old output or the new one, never a
 * partial file; the temporary is removed on failure.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fail, isTuneError } from '../diagnostics/index.js';

function tempSibling(path: string, tag: string): string {
  return join(dirname(path), `.${basename(path)}.${tag}-${process.pid}-${randomBytes(4).toString('hex')}`);
}

function writeFailed(e: unknown, path: string): never {
  // Only file-system errors become diagnostics; anything else (a bug in a build callback) passes through.
  if (isTuneError(e) || typeof (e as NodeJS.ErrnoException | undefined)?.syscall !== 'string') throw e;
  const err = e as NodeJS.ErrnoException;
  fail('IO_WRITE_FAILED', `cannot write ${path}: ${err?.message ?? String(e)}`, {
    file: path, found: err?.code ?? 'error',
    hint: err?.code === 'ENOSPC' ? 'the disk is full; free space and retry' : err?.code === 'EACCES' ? 'check the folder permissions' : 'check that the parent folder is writable',
  });
}

/** fsync a directory so a rename inside it is durable (best effort: some file systems refuse). */
async function fsyncDir(dir: string): Promise<void> {
  let fh: FileHandle | undefined;
  try {
    fh = await open(dir, 'r');
    await fh.sync();
  } catch {
    // Not all platforms allow opening or syncing a directory; the rename is still atomic.
  } finally {
    await fh?.close();
  }
}

/**
 * Write a file atomically by streaming into a temporary sibling through `write`, then fsync and
 * rename. Used by writers that emit large files piece by piece (safetensors).
 *
 * @example
 * await withAtomicFile('out/model.safetensors', async (fh) => { await fh.write(header); await fh.write(data); });
 */
export async function withAtomicFile<T>(path: string, write: (fh: FileHandle) => Promise<T>): Promise<T> {
  const tmp = tempSibling(path, 'tmp');
  let fh: FileHandle | undefined;
  try {
    await mkdir(dirname(path), { recursive: true });
    fh = await open(tmp, 'wx');
    const result = await write(fh);
    await fh.sync();
    await fh.close();
    fh = undefined;
    await rename(tmp, path);
    await fsyncDir(dirname(path));
    return result;
  } catch (e) {
    await fh?.close().catch(() => undefined);
    await rm(tmp, { force: true }).catch(() => undefined);
    writeFailed(e, path);
  }
}

/**
 * Write `data` to `path` atomically (temp file in the same folder, fsync, rename).
 *
 * @example
 * await writeFileAtomic('out/config.json', JSON.stringify(cfg, null, 2) + '\n');
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await withAtomicFile(path, async (fh) => {
    await fh.writeFile(data);
  });
}

async function fsyncTree(dir: string): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) await fsyncTree(p);
    else if (entry.isFile()) {
      const fh = await open(p, 'r');
      try {
        await fh.sync();
      } finally {
        await fh.close();
      }
    }
  }
  await fsyncDir(dir);
}

/**
 * Build a folder atomically: `build` fills a temporary sibling folder, which is fsynced and
 * renamed to `finalDir`. An existing `finalDir` is replaced only after the new one is complete
 * (it is moved aside, the new folder renamed in, then the old one deleted; if the second rename
 * fails the old folder is put back). On any error the temporary folder is removed.
 *
 * @example
 * await writeDirAtomic('out/checkpoint-100', async (tmp) => {
 *   await saveSafetensors(join(tmp, 'model.safetensors'), tensors);
 * });
 */
export async function writeDirAtomic<T>(finalDir: string, build: (tmpDir: string) => Promise<T>): Promise<T> {
  const tmp = tempSibling(finalDir, 'tmp');
  try {
    await mkdir(dirname(finalDir), { recursive: true });
    await mkdir(tmp);
    const result = await build(tmp);
    await fsyncTree(tmp);
    const existing = await stat(finalDir).catch(() => undefined);
    if (existing && !existing.isDirectory()) {
      fail('IO_WRITE_FAILED', `cannot write folder ${finalDir}: a file with that name exists`, {
        file: finalDir, expected: 'a folder or nothing', found: 'a file', hint: 'remove the file or choose another output path',
      });
    }
    if (existing) {
      const old = tempSibling(finalDir, 'old');
      await rename(finalDir, old);
      try {
        await rename(tmp, finalDir);
      } catch (e) {
        await rename(old, finalDir).catch(() => undefined);
        throw e;
      }
      await fsyncDir(dirname(finalDir));
      await rm(old, { recursive: true, force: true });
    } else {
      await rename(tmp, finalDir);
      await fsyncDir(dirname(finalDir));
    }
    return result;
  } catch (e) {
    await rm(tmp, { recursive: true, force: true }).catch(() => undefined);
    writeFailed(e, finalDir);
  }
}
