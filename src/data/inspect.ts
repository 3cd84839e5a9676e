import type { Tokenizer } from '../tokenizer/types.js';
import { IGNORE_INDEX, type RowRef } from './format.js';
import type { TrainRow } from './pack.js';

export interface InspectOptions {
  /** ANSI colours (trained green, untrained dim) instead of `[[…]]` brackets around trained text. */
  color: boolean;
}

const GREEN = '\u001b[32m';
const DIM = '\u001b[2m';
const RESET = '\u001b[0m';

/**
 * Show a row as text with the trained tokens (label != -100) marked: runs of tokens with the same state
 * are decoded together so multi-byte characters survive; with colour, trained text is green and the rest
 * dim, otherwise trained text is wrapped in `[[` `]]`. Packed rows print one block per example.
 */
export function renderRow(tok: Tokenizer, row: TrainRow, refs: readonly RowRef[], index: number, opts: InspectOptions): string {
  const trained = row.labels.filter((l) => l !== IGNORE_INDEX).length;
  const lines = [`# row ${index}: ${row.input_ids.length} tokens, ${trained} trained`];
  let start = 0;
  while (start < row.input_ids.length) {
    const seg = row.segment_ids[start] ?? 1;
    let end = start;
    while (end < row.input_ids.length && (row.segment_ids[end] ?? 1) === seg) end++;
    const ref = refs[seg - 1] ?? refs[0];
    if (ref) lines.push(`## ${ref.file}:${ref.row}${row.segment_ids.some((s) => s > 1) ? ` (segment ${seg})` : ''}`);
    let out = '';
    let i = start;
    while (i < end) {
      const on = row.labels[i] !== IGNORE_INDEX;
      let j = i;
      while (j < end && (row.labels[j] !== IGNORE_INDEX) === on) j++;
      const text = tok.decode(row.input_ids.slice(i, j), { cleanUpTokenizationSpaces: false });
      if (opts.color) out += `${on ? GREEN : DIM}${text}${RESET}`;
      else out += on ? `[[${text}]]` : text;
      i = j;
    }
    lines.push(out);
    start = end;
  }
  return `${lines.join('\n')}\n`;
}

/** The `--format json` shape: `[{"input_ids": [...], "labels": [...]}]` (+ positions and segments when packed). */
export function rowsToJson(rows: readonly TrainRow[], packed: boolean): object[] {
  return rows.map((r) => (packed ? { input_ids: r.input_ids, labels: r.labels, position_ids: r.position_ids, segment_ids: r.segment_ids } : { input_ids: r.input_ids, labels: r.labels }));
}
