import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../io/atomic.js';
import type { Tokenizer } from '../tokenizer/types.js';
import type { DatasetExamples } from './build-examples.js';
import type { DatasetStats } from './stats.js';

/** Bump when the meaning of a cached example changes (format semantics, this file layout). */
export const CACHE_VERSION = 1;
const MAGIC = 'TKDS0001';

/** sha256 of bytes, hex. */
export function sha256(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * What identifies a tokenizer for caching: the bytes of its files plus the effective special-token
 * behaviour and chat template (recipe overrides change these without changing the files).
 */
export function tokenizerFingerprint(tok: Tokenizer): string {
  const files = tok.files.map((f) => sha256(readFileSync(f)));
  return sha256(
    JSON.stringify({ files, bos: tok.addBosToken, eos: tok.addEosToken, eosId: tok.eosTokenId, pad: tok.padTokenId, template: tok.chatTemplate }),
  );
}

/** The cache key of one dataset: source bytes, tokenizer, format and every recipe field that changes the examples. */
export function datasetCacheKey(parts: { sourceHashes: string[]; tokenizer: string; format: string; dataset: object; sequenceLen: number; truncation: string }): string {
  return sha256(JSON.stringify({ v: CACHE_VERSION, ...parts }));
}

export function cacheFile(dir: string, key: string): string {
  return join(dir, `${key}.tkds`);
}

/** Serialize: magic, u32 header length, JSON header, then int32 arrays (lengths, ids, labels, ref file index, ref row, ref line or 0). */
export function encodeCache(d: DatasetExamples): Uint8Array {
  const files: string[] = [];
  const fileIdx = new Map<string, number>();
  const total = d.examples.reduce((s, e) => s + e.input_ids.length, 0);
  const n = d.examples.length;
  const ints = new Int32Array(n + total * 2 + n * 3);
  let o = 0;
  for (const e of d.examples) ints[o++] = e.input_ids.length;
  for (const e of d.examples) for (const id of e.input_ids) ints[o++] = id;
  for (const e of d.examples) for (const l of e.labels) ints[o++] = l;
  for (const r of d.refs) {
    let i = fileIdx.get(r.file);
    if (i === undefined) {
      i = files.length;
      files.push(r.file);
      fileIdx.set(r.file, i);
    }
    ints[o++] = i;
  }
  for (const r of d.refs) ints[o++] = r.row;
  for (const r of d.refs) ints[o++] = r.line ?? 0;
  const header = Buffer.from(JSON.stringify({ n, total, files, stats: d.stats }), 'utf8');
  const pad = (8 - ((MAGIC.length + 4 + header.length) % 4)) % 4;
  const out = Buffer.alloc(MAGIC.length + 4 + header.length + pad + ints.byteLength);
  out.write(MAGIC, 0, 'latin1');
  out.writeUInt32LE(header.length + pad, MAGIC.length);
  header.copy(out, MAGIC.length + 4);
  out.fill(0x20, MAGIC.length + 4 + header.length, MAGIC.length + 4 + header.length + pad);
  Buffer.from(ints.buffer, ints.byteOffset, ints.byteLength).copy(out, MAGIC.length + 4 + header.length + pad);
  return out;
}

/** Parse a cache file; null when it is not one (a corrupt cache is rebuilt, never trusted). */
export function decodeCache(buf: Buffer): DatasetExamples | null {
  if (buf.length < MAGIC.length + 4 || buf.toString('latin1', 0, MAGIC.length) !== MAGIC) return null;
  const hlen = buf.readUInt32LE(MAGIC.length);
  const start = MAGIC.length + 4 + hlen;
  if (start > buf.length || (buf.length - start) % 4 !== 0) return null;
  let header: { n: number; total: number; files: string[]; stats: DatasetStats };
  try {
    header = JSON.parse(buf.toString('utf8', MAGIC.length + 4, start)) as typeof header;
  } catch {
    return null;
  }
  const { n, total, files } = header;
  if ((buf.length - start) / 4 !== n * 4 + total * 2) return null;
  const ints = new Int32Array(buf.buffer.slice(buf.byteOffset + start, buf.byteOffset + buf.length));
  const lengths = ints.subarray(0, n);
  let ido = n;
  let lo = n + total;
  const examples = [];
  for (let i = 0; i < n; i++) {
    const len = lengths[i]!;
    examples.push({ input_ids: Array.from(ints.subarray(ido, ido + len)), labels: Array.from(ints.subarray(lo, lo + len)) });
    ido += len;
    lo += len;
  }
  const refBase = n + total * 2;
  const refs = [];
  for (let i = 0; i < n; i++) {
    const line = ints[refBase + 2 * n + i]!;
    refs.push({ file: files[ints[refBase + i]!] ?? '', row: ints[refBase + n + i]!, ...(line > 0 ? { line } : {}) });
  }
  return { examples, refs, stats: { ...header.stats, cacheHit: true } };
}

/** Read a cached dataset, or null on a miss / unreadable file. */
export function readCache(dir: string, key: string): DatasetExamples | null {
  const f = cacheFile(dir, key);
  if (!existsSync(f)) return null;
  try {
    return decodeCache(readFileSync(f));
  } catch {
    return null;
  }
}

/** Write a cached dataset atomically (temporary sibling, fsync, rename). */
export async function writeCache(dir: string, key: string, d: DatasetExamples): Promise<string> {
  const f = cacheFile(dir, key);
  await writeFileAtomic(f, encodeCache({ ...d, stats: { ...d.stats, cacheHit: false } }));
  return f;
}
