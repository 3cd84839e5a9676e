/** What preparing one dataset did, reported by `tune preprocess` and stored in the cache. */
export interface DatasetStats {
  /** Index in `data.datasets` and the path as the recipe gives it. */
  index: number;
  path: string;
  format: string;
  files: number;
  rows: number;
  examples: number;
  /** Rows left out under `on_bad_row: skip` (bad fields, unreadable lines, no trained tokens). */
  skipped: number;
  /** Rows with nothing to train (e.g. empty text lines in a completion dataset), left out silently. */
  empty: number;
  /** Examples cut to `sequence_len` (truncation: truncate) or left out (truncation: drop). */
  truncated: number;
  dropped: number;
  tokens: number;
  trainedTokens: number;
  /** The first few skipped rows, as `file:row: reason`, so a skip is never silent. */
  skippedSamples: string[];
  cacheHit: boolean;
}

export function emptyStats(index: number, path: string, format: string): DatasetStats {
  return { index, path, format, files: 0, rows: 0, examples: 0, skipped: 0, empty: 0, truncated: 0, dropped: 0, tokens: 0, trainedTokens: 0, skippedSamples: [], cacheHit: false };
}
