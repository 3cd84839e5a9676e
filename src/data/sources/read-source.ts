import { fail } from '../../diagnostics/index.js';
import { readCsvRows } from './read-csv.js';
import { readJsonRows, readJsonlRows } from './read-json.js';
import { readParquetRows } from './read-parquet.js';
import { readTxtRows } from './read-txt.js';
import type { SourceRow } from './source-row.js';

/** Parse one dataset file's bytes into rows, by extension. */
export async function readSourceRows(file: string, bytes: Uint8Array): Promise<SourceRow[]> {
  const lower = file.toLowerCase();
  if (lower.endsWith('.parquet')) return readParquetRows(file, bytes);
  const text = new TextDecoder('utf-8').decode(bytes);
  if (lower.endsWith('.jsonl') || lower.endsWith('.ndjson')) return readJsonlRows(file, text);
  if (lower.endsWith('.json')) return readJsonRows(file, text);
  if (lower.endsWith('.csv')) return readCsvRows(file, text);
  if (lower.endsWith('.txt')) return readTxtRows(file, text);
  fail('DATA_UNSUPPORTED_FILE', `cannot read ${file}: unknown file type`, {
    file,
    expected: '.json, .jsonl, .csv, .txt or .parquet',
    hint: 'convert the file to JSON Lines, or give a glob that matches only data files',
  });
}
