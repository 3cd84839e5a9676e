import { IGNORE_INDEX } from './format.js';
import type { TrainRow } from './pack.js';

/**
 * A padded batch, every field [batch][time]:
 * - `input_ids`: right-padded with the pad id (EOS when the tokenizer has no pad token);
 * - `attention_mask`: 1 on real tokens, 0 on padding (by position, never by id, so a pad that equals EOS
 *   does not hide real EOS tokens);
 * - `labels`: -100 on padding (and wherever the example masks the loss);
 * - `position_ids`: per example from 0 (packed rows restart per example); 0..T-1 for unpacked rows, as HF
 *   uses when no position_ids are passed;
 * - `segment_ids`: 1..k numbering the examples of a row, 0 on padding. Token i may attend token j iff
 *   j <= i and segment_ids[i] == segment_ids[j] != 0 — block-diagonal causal attention.
 */
export interface CollatedBatch {
  input_ids: number[][];
  attention_mask: number[][];
  labels: number[][];
  position_ids: number[][];
  segment_ids: number[][];
}

export interface CollateOptions {
  padTokenId: number;
  /** Pad to this length instead of the longest row (e.g. sequence_len for static shapes). */
  padTo?: number;
  /** Round the padded length up to a multiple of this. */
  padToMultipleOf?: number;
}

/** Right-pad rows into a batch. */
export function collate(rows: readonly TrainRow[], opts: CollateOptions): CollatedBatch {
  let T = Math.max(0, ...rows.map((r) => r.input_ids.length));
  if (opts.padTo !== undefined) T = Math.max(T, opts.padTo);
  if (opts.padToMultipleOf) T = Math.ceil(T / opts.padToMultipleOf) * opts.padToMultipleOf;
  const b: CollatedBatch = { input_ids: [], attention_mask: [], labels: [], position_ids: [], segment_ids: [] };
  for (const r of rows) {
    const n = r.input_ids.length;
    const pad = T - n;
    const packed = r.segment_ids.some((s) => s > 1);
    b.input_ids.push([...r.input_ids, ...new Array<number>(pad).fill(opts.padTokenId)]);
    b.attention_mask.push([...new Array<number>(n).fill(1), ...new Array<number>(pad).fill(0)]);
    b.labels.push([...r.labels, ...new Array<number>(pad).fill(IGNORE_INDEX)]);
    b.position_ids.push(packed ? [...r.position_ids, ...new Array<number>(pad).fill(0)] : Array.from({ length: T }, (_, i) => i));
    b.segment_ids.push([...r.segment_ids, ...new Array<number>(pad).fill(0)]);
  }
  return b;
}

/** Cut rows into consecutive batches of `size` (the last one may be smaller). */
export function* batches(rows: readonly TrainRow[], size: number, opts: CollateOptions): Generator<CollatedBatch> {
  for (let i = 0; i < rows.length; i += size) yield collate(rows.slice(i, i + size), opts);
}
