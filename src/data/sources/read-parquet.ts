import { parquetReadObjects } from 'hyparquet';
import { fail } from '../../diagnostics/index.js';
import type { SourceRow } from './source-row.js';

/** Parquet values may be bigint (INT64); rows must be plain JSON-like for formats and hashing. */
function plain(v: unknown): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (Array.isArray(v)) return v.map(plain);
  if (v instanceof Uint8Array) return new TextDecoder().decode(v);
  if (v !== null && typeof v === 'object' && !(v instanceof Date)) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  }
  return v;
}

/** A `.parquet` file, read with hyparquet (pure JS; snappy built in). */
export async function readParquetRows(file: string, bytes: Uint8Array): Promise<SourceRow[]> {
  const buf = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  let rows: Record<string, unknown>[];
  try {
    rows = (await parquetReadObjects({ file: buf })) as Record<string, unknown>[];
  } catch (e) {
    fail('DATA_PARSE_ERROR', `${file} is not a readable Parquet file: ${(e as Error).message}`, {
      file,
      hint: 'check that the file is complete (Parquet ends with the PAR1 magic) and uses a supported codec',
    });
  }
  return rows.map((r, i) => ({ ref: { file, row: i + 1 }, data: plain(r) as Record<string, unknown> }));
}
