import type { SourceRow } from './source-row.js';

/** A `.txt` file: one row `{text}` per line, as HF's `text` loader does (empty lines included). */
export function readTxtRows(file: string, text: string): SourceRow[] {
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines.map((l, i) => ({ ref: { file, row: i + 1, line: i + 1 }, data: { text: l.replace(/\r$/, '') } }));
}
