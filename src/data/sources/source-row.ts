import type { Row, RowRef } from '../format.js';

/** One row read from a file: its fields, or why it could not be read (a bad JSONL line, a non-object element). */
export interface SourceRow {
  ref: RowRef;
  data?: Row;
  /** Set when the row itself is unreadable; reported as a bad row (field `(row)`). */
  error?: { message: string; expected?: string; found?: string };
}

/** What reading one file gives: its rows and its bytes' hash input. */
export interface SourceFile {
  file: string;
  rows: SourceRow[];
}
