/**
 * Reading and validating a safetensors header exactly as the reference Rust reader does
 * (`read_metadata` + `Metadata::validate`), plus duplicate-key detection. Every size is checked
 * against the file size before anything is allocated, so a hostile header cannot trigger a huge
 * allocation.
 */
import type { FileHandle } from 'node:fs/promises';
import { fail } from '../../diagnostics/index.js';
import { findDuplicateKey } from '../json-duplicates.js';
import { dtypeBits, isSafetensorsDtype, SAFETENSORS_DTYPES } from './dtypes.js';
import { readExactly, openForRead } from './file-read.js';
import type { SafetensorsHeader, TensorInfo } from './types.js';

/** The reference reader's cap on the header length N (MAX_HEADER_SIZE). */
export const MAX_HEADER_SIZE = 100_000_000;

const SPEC_HINT = 'the file is damaged or was not written by a safetensors writer; re-download or re-export it';

/**
 * Read and validate only the header of a safetensors file (two small reads).
 *
 * @example
 * const h = await readSafetensorsHeader('model.safetensors');
 * for (const [name, t] of h.tensors) console.log(name, t.dtype, t.shape);
 */
export async function readSafetensorsHeader(path: string): Promise<SafetensorsHeader> {
  const fh = await openForRead(path);
  try {
    return await readHeaderFrom(fh, path);
  } finally {
    await fh.close();
  }
}

/** Read and validate the header from an open file handle. */
export async function readHeaderFrom(fh: FileHandle, file: string): Promise<SafetensorsHeader> {
  const size = (await fh.stat()).size;
  if (size < 8) {
    fail('IO_ST_HEADER_TOO_SMALL', `safetensors file is ${size} bytes, shorter than the 8-byte header length`, {
      file, expected: 'at least 8 bytes', found: `${size} bytes`, hint: SPEC_HINT,
    });
  }
  const lenBuf = await readExactly(fh, 0, 8, file);
  const n = new DataView(lenBuf.buffer, lenBuf.byteOffset, 8).getBigUint64(0, true);
  if (n > BigInt(MAX_HEADER_SIZE)) {
    fail('IO_ST_HEADER_TOO_LARGE', `safetensors header length ${n} exceeds the ${MAX_HEADER_SIZE}-byte cap`, {
      file, expected: `≤ ${MAX_HEADER_SIZE} bytes`, found: `${n} bytes`, hint: SPEC_HINT,
    });
  }
  const headerSize = Number(n);
  if (8 + headerSize > size) {
    fail('IO_ST_HEADER_TRUNCATED', `safetensors header length ${headerSize} points past the end of the ${size}-byte file`, {
      file, expected: `8 + ${headerSize} ≤ file size`, found: `file size ${size}`,
      hint: 'the file is truncated (interrupted download or copy?); download it again',
    });
  }
  const bytes = await readExactly(fh, 8, headerSize, file);
  return parseSafetensorsHeader(bytes, size, file);
}

/**
 * Validate header bytes (the N bytes after the length prefix) against the total file size.
 * Throws a TuneError naming the file, the tensor, what was expected and what was found.
 */
export function parseSafetensorsHeader(bytes: Uint8Array, fileSize: number, file: string): SafetensorsHeader {
  const headerSize = bytes.byteLength;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    fail('IO_ST_HEADER_UTF8', 'safetensors header is not valid UTF-8', { file, hint: SPEC_HINT });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    fail('IO_ST_HEADER_JSON', `safetensors header is not valid JSON: ${(e as Error).message}`, {
      file, found: preview(text), hint: SPEC_HINT,
    });
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    fail('IO_ST_HEADER_JSON', 'safetensors header is not a JSON object', {
      file, expected: 'an object {"name": {dtype, shape, data_offsets}, …}', found: preview(text), hint: SPEC_HINT,
    });
  }
  const dup = findDuplicateKey(text);
  if (dup) {
    fail('IO_ST_DUPLICATE_KEY', `safetensors header has the key \`${dup.key}\` twice`, {
      file, path: dup.path, found: `two entries named \`${dup.key}\``,
      hint: 'the format forbids duplicate keys; readers disagree on which one wins, so re-export the file',
    });
  }
  const obj = json as Record<string, unknown>;
  const metadata = parseMetadata(obj['__metadata__'], file);
  const entries: [string, TensorInfo][] = [];
  for (const [name, value] of Object.entries(obj)) {
    if (name === '__metadata__') continue;
    entries.push([name, parseTensorInfo(name, value, file)]);
  }
  entries.sort((a, b) => a[1].dataOffsets[0] - b[1].dataOffsets[0] || a[1].dataOffsets[1] - b[1].dataOffsets[1]);
  let start = 0;
  for (const [name, info] of entries) {
    const [b, e] = info.dataOffsets;
    if (b !== start || e < b) {
      const what = e < b ? 'end before begin' : b > start ? `a gap of ${b - start} bytes` : `an overlap of ${start - b} bytes`;
      fail('IO_ST_OFFSETS', `tensor \`${name}\` has data_offsets [${b}, ${e}]: ${what}`, {
        file, path: `/${name}/data_offsets`, expected: `begin = ${start} (end of the previous tensor), end ≥ begin`,
        found: `[${b}, ${e}]`, hint: 'tensors must be stored back to back from offset 0; ' + SPEC_HINT,
      });
    }
    start = e;
    checkByteCount(name, info, file);
  }
  const dataStart = 8 + headerSize;
  const expectedSize = dataStart + start;
  if (!Number.isSafeInteger(expectedSize)) overflow('(end of data)', `${start}`, file);
  if (expectedSize > fileSize) {
    const last = entries[entries.length - 1]?.[0] ?? '';
    fail('IO_ST_TRUNCATED', `safetensors file ends ${expectedSize - fileSize} bytes before the end of tensor \`${last}\``, {
      file, expected: `${expectedSize} bytes`, found: `${fileSize} bytes`,
      hint: 'the file is truncated (interrupted download or copy?); download it again',
    });
  }
  if (expectedSize < fileSize) {
    fail('IO_ST_TRAILING_BYTES', `safetensors file has ${fileSize - expectedSize} bytes after its last tensor`, {
      file, expected: `${expectedSize} bytes`, found: `${fileSize} bytes`,
      hint: 'the reference reader rejects trailing bytes; ' + SPEC_HINT,
    });
  }
  return { headerSize, dataStart, metadata, tensors: new Map(entries) };
}

function parseMetadata(value: unknown, file: string): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    fail('IO_ST_METADATA', '`__metadata__` is not an object', {
      file, path: '/__metadata__', expected: 'a string → string map', found: JSON.stringify(value), hint: SPEC_HINT,
    });
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (typeof v !== 'string') {
      fail('IO_ST_METADATA', `\`__metadata__.${k}\` is not a string`, {
        file, path: `/__metadata__/${k}`, expected: 'a string value', found: preview(JSON.stringify(v) ?? String(v)),
        hint: 'safetensors metadata values must be strings (serialize numbers or objects to text first)',
      });
    }
    out[k] = v;
  }
  return out;
}

function parseTensorInfo(name: string, value: unknown, file: string): TensorInfo {
  const bad = (what: string, found: unknown): never =>
    fail('IO_ST_TENSOR_INFO', `tensor \`${name}\`: ${what}`, {
      file, path: `/${name}`, expected: '{"dtype": string, "shape": [int…], "data_offsets": [begin, end]}',
      found: preview(JSON.stringify(found) ?? String(found)), hint: SPEC_HINT,
    });
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return bad('entry is not an object', value);
  const v = value as Record<string, unknown>;
  const { dtype, shape, data_offsets: offsets } = v;
  if (typeof dtype !== 'string') return bad('`dtype` is missing or not a string', value);
  if (!isSafetensorsDtype(dtype)) {
    fail('IO_ST_UNKNOWN_DTYPE', `tensor \`${name}\` has unknown dtype \`${dtype}\``, {
      file, path: `/${name}/dtype`, expected: `one of ${SAFETENSORS_DTYPES.join(', ')}`, found: dtype, hint: SPEC_HINT,
    });
  }
  if (!Array.isArray(shape)) return bad('`shape` is missing or not an array', value);
  for (const d of shape) {
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0) return bad('`shape` holds a value that is not a non-negative integer', shape);
    if (!Number.isSafeInteger(d)) overflow(name, `shape dimension ${d}`, file);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2) return bad('`data_offsets` is not a [begin, end] pair', value);
  for (const o of offsets) {
    if (typeof o !== 'number' || !Number.isInteger(o) || o < 0) return bad('`data_offsets` holds a value that is not a non-negative integer', offsets);
    if (!Number.isSafeInteger(o)) overflow(name, `data offset ${o}`, file);
  }
  return { dtype, shape: shape as number[], dataOffsets: [offsets[0] as number, offsets[1] as number] };
}

function checkByteCount(name: string, info: TensorInfo, file: string): void {
  // BigInt so a hostile shape cannot overflow silently; the limit mirrors Rust's usize checks.
  let elements = 1n;
  for (const d of info.shape) elements *= BigInt(d);
  const bits = elements * BigInt(dtypeBits(info.dtype));
  if (bits > BigInt(Number.MAX_SAFE_INTEGER)) overflow(name, `shape [${info.shape.join(', ')}]`, file);
  if (bits % 8n !== 0n) {
    fail('IO_ST_MISALIGNED', `tensor \`${name}\` (${info.dtype}, shape [${info.shape.join(', ')}]) is ${bits} bits, not a whole number of bytes`, {
      file, path: `/${name}/shape`, expected: 'prod(shape) × bits divisible by 8', found: `${bits} bits`, hint: SPEC_HINT,
    });
  }
  const expected = Number(bits / 8n);
  const [b, e] = info.dataOffsets;
  if (e - b !== expected) {
    fail('IO_ST_BYTE_COUNT', `tensor \`${name}\` has ${e - b} bytes but ${info.dtype} [${info.shape.join(', ')}] needs ${expected}`, {
      file, path: `/${name}/data_offsets`, expected: `${expected} bytes (prod(shape) × ${dtypeBits(info.dtype)} / 8)`,
      found: `${e - b} bytes (data_offsets [${b}, ${e}])`, hint: SPEC_HINT,
    });
  }
}

function overflow(name: string, what: string, file: string): never {
  fail('IO_ST_OVERFLOW', `tensor \`${name}\`: ${what} is too large for a valid file`, {
    file, path: `/${name}`, expected: `sizes below 2^53 bytes`, found: what, hint: SPEC_HINT,
  });
}

function preview(s: string): string {
  return s.length > 120 ? `${s.slice(0, 117)}...` : s;
}
