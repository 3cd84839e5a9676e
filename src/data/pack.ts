import { type Example, IGNORE_INDEX } from './format.js';

/**
 * A training row: one example, or several packed ones. `position_ids` restart at 0 for every example and
 * `segment_ids` number the examples 1, 2, … so attention can stay inside an example (0 marks padding).
 */
export interface TrainRow extends Example {
  position_ids: number[];
  segment_ids: number[];
}

/** An unpacked example as a row: positions 0..n-1, one segment. */
export function asRow(e: Example): TrainRow {
  return { input_ids: e.input_ids, labels: e.labels, position_ids: e.input_ids.map((_, i) => i), segment_ids: e.input_ids.map(() => 1) };
}

/** How many of the most recent rows first-fit looks at (bounds the cost on large datasets). */
const OPEN_BINS = 64;

/**
 * Sample packing: first-fit of examples, in order, into rows of at most `capacity` tokens. Each example
 * keeps its tokens and labels, gets positions from 0 and its own segment id; the first label of every
 * example after the first is set to -100 so no loss crosses an example boundary (the first label of a
 * sequence is never predicted anyway, so this equals training the examples one by one).
 * `rowOf[k]` is the row example k went to.
 */
export function packExamples(examples: readonly Example[], capacity: number): { rows: TrainRow[]; rowOf: number[] } {
  const rows: TrainRow[] = [];
  const rowOf: number[] = [];
  for (const e of examples) {
    const n = e.input_ids.length;
    let at = -1;
    for (let i = Math.max(0, rows.length - OPEN_BINS); i < rows.length; i++) {
      if (rows[i]!.input_ids.length + n <= capacity) {
        at = i;
        break;
      }
    }
    if (at < 0) {
      rows.push({ input_ids: [], labels: [], position_ids: [], segment_ids: [] });
      at = rows.length - 1;
    }
    rowOf.push(at);
    const target = rows[at]!;
    const seg = target.input_ids.length === 0 ? 1 : target.segment_ids[target.segment_ids.length - 1]! + 1;
    for (let i = 0; i < n; i++) {
      target.input_ids.push(e.input_ids[i]!);
      target.labels.push(i === 0 && seg > 1 ? IGNORE_INDEX : e.labels[i]!);
      target.position_ids.push(i);
      target.segment_ids.push(seg);
    }
  }
  return { rows, rowOf };
}
