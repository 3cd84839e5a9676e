import { parse } from 'csv-parse/sync';
import { fail } from '../../diagnostics/index.js';
import type { SourceRow } from './source-row.js';

/** A `.csv` file with a header row; every value is a string (as HF's csv loader gives for text columns). */
export function readCsvRows(file: string, text: string): SourceRow[] {
  let records: { record: Record<string, string>; info: { lines: number } }[];
  try {
    records = parse(text, { columns: true, info: true, skip_empty_lines: true, bom: true, relax_column_count: false }) as typeof records;
  } catch (e) {
    const err = e as Error & { lines?: number };
    fail('DATA_PARSE_ERROR', `${file} is not valid CSV: ${err.message}`, {
      file,
      ...(typeof err.lines === 'number' ? { line: err.lines } : {}),
      hint: 'a .csv dataset needs a header row and the same number of columns on every line; quote fields that hold commas or newlines',
    });
  }
  // `info.lines` is the line the record ends on; a record spanning lines still gets its last line.
  return records.map((r, i) => ({ ref: { file, row: i + 1, line: r.info.lines }, data: r.record }));
}
