/** A collated, padded micro-batch as the model consumes it (rows of equal length). */
export interface Batch {
  input_ids: number[][];
  attention_mask: number[][];
  /** Unshifted labels (HF convention): -100 where no loss is taken. */
  labels: number[][];
  /** Present with sample packing: positions restart at 0 for each packed example. */
  position_ids?: number[][];
  /** Present with sample packing: attention stays inside one segment. */
  segment_ids?: number[][];
}

/** Tokens that carry a loss after the causal shift (labels[:, 1:] != -100). */
export function countLossTokens(labels: readonly (readonly number[])[]): number {
  let n = 0;
  for (const row of labels) for (let t = 1; t < row.length; t++) if (row[t] !== -100) n++;
  return n;
}

/** Non-padding tokens (for throughput). */
export function countInputTokens(attentionMask: readonly (readonly number[])[]): number {
  let n = 0;
  for (const row of attentionMask) for (const v of row) n += v ? 1 : 0;
  return n;
}
