/**
 * Download one file into a cache blob, resuming a partial `<blob>.incomplete` with HTTP Range
 * requests (also after a dropped connection mid-file), then checking size and, for LFS files,
 * sha256 before the blob is renamed into place.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, rename, rm, stat } from 'node:fs/promises';
import { fail } from '../../diagnostics/index.js';

/** Opens the file's bytes from `offset` to the end. */
export type RangeOpener = (offset: number) => Promise<ReadableStream<Uint8Array>>;

/** Options of {@link downloadBlob}. */
export interface BlobDownload {
  /** Final blob path; data goes to `<blobPath>.incomplete` first. */
  blobPath: string;
  size: number;
  /** sha256 hex of the content (LFS files), checked when given. */
  sha256?: string;
  /** Attempts, each resuming where the previous stopped (default 5). */
  attempts?: number;
  onProgress?: (bytes: number, total: number) => void;
  /** For diagnostics. */
  label: string;
}

async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** Download with resume. Returns the number of bytes fetched in this call. */
export async function downloadBlob(openRange: RangeOpener, d: BlobDownload): Promise<number> {
  const incomplete = `${d.blobPath}.incomplete`;
  let offset = (await stat(incomplete).catch(() => undefined))?.size ?? 0;
  if (offset > d.size) {
    await rm(incomplete, { force: true });
    offset = 0;
  }
  let fetched = 0;
  const attempts = d.attempts ?? 5;
  let lastError: unknown;
  for (let attempt = 0; attempt < attempts && offset < d.size; attempt++) {
    const fh = await open(incomplete, 'a');
    try {
      const reader = (await openRange(offset)).getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        await fh.write(value);
        offset += value.byteLength;
        fetched += value.byteLength;
        d.onProgress?.(offset, d.size);
      }
      lastError = undefined;
    } catch (e) {
      // A dropped connection: keep what arrived and resume from there.
      lastError = e;
      offset = (await fh.stat()).size;
      // An HTTP 4xx will not go away by retrying.
      const status = (e as { statusCode?: unknown }).statusCode;
      if (typeof status === 'number' && status < 500) {
        await fh.close();
        throw e;
      }
    } finally {
      await fh.close();
    }
    if (lastError === undefined && offset < d.size) lastError = new Error(`connection closed at byte ${offset}`);
  }
  if (offset !== d.size) {
    if (offset > d.size) await rm(incomplete, { force: true });
    if (lastError && offset < d.size) throw lastError;
    fail('IO_HUB_SIZE_MISMATCH', `download of ${d.label} has ${offset} bytes, the hub announced ${d.size}`, {
      file: incomplete, expected: `${d.size} bytes`, found: `${offset} bytes`, hint: 'the partial file was removed; run the command again',
    });
  }
  if (d.sha256) {
    const got = await sha256File(incomplete);
    if (got !== d.sha256) {
      await rm(incomplete, { force: true });
      fail('IO_HUB_CHECKSUM', `download of ${d.label} is corrupt (sha256 mismatch)`, {
        file: d.blobPath, expected: d.sha256, found: got, hint: 'the partial file was removed; run the command again',
      });
    }
  }
  await rename(incomplete, d.blobPath);
  return fetched;
}
