import type { FormatSpec } from '../recipe/contributions.js';
import type { Tokenizer } from '../tokenizer/types.js';
import type { DatasetConfig } from './config.js';

/** The label value the loss ignores (PyTorch CrossEntropyLoss `ignore_index`). */
export const IGNORE_INDEX = -100;

/** One tokenized training example, unpadded: `labels[i]` is the target at position i or -100. */
export interface Example {
  input_ids: number[];
  labels: number[];
}

/** Where a row came from: 1-based row number within its file, and the line when the file has lines. */
export interface RowRef {
  file: string;
  row: number;
  line?: number;
}

/** A row of a dataset file: an object of fields (JSON object, CSV record, Parquet row, `{text}` for .txt). */
export type Row = Record<string, unknown>;

/** What is wrong with a row: the field and why. */
export interface RowProblem {
  field: string;
  message: string;
  expected?: string;
  found?: string;
}

/** A problem with a dataset's own options; `key` is the path below the dataset entry, e.g. `template/prompt_input`. */
export interface ConfigProblem {
  key: string;
  code: 'DATA_BAD_OPTION' | 'DATA_TEMPLATE_PLACEHOLDER';
  message: string;
  expected?: string;
  found?: string;
  hint?: string;
}

/** What a format sees while converting rows. */
export interface FormatContext {
  tokenizer: Tokenizer;
  /** The dataset entry, with `train_on_inputs` / `on_bad_row` defaults applied. */
  dataset: DatasetConfig & { train_on_inputs: boolean };
  sequenceLen: number;
}

/**
 * A dataset format: how rows of one shape become token ids and labels. Format objects are pure data +
 * functions; a plugin registers them (`recipe.datasetFormats`). Their `keys` (from FormatSpec) are
 * the dataset keys the format owns beyond the common ones (path, format, name, split, revision,
 * weight, train_on_inputs, on_bad_row), each with its JSON Schema: the recipe schema is built from them.
 *
 * @example
 * const example = alpaca.toExample({ instruction: 'Add', input: '2+2', output: '4' }, ctx);
 */
export interface DatasetFormat extends FormatSpec {
  /** True when the format cuts examples to `sequence_len` itself (the pipeline then does not truncate). */
  readonly fixedLength?: boolean;
  /** Check the dataset's options once, before any row (template placeholders, field mappings). */
  checkConfig?(dataset: DatasetConfig): ConfigProblem[];
  /** Whether every example ends in a trained EOS (the pipeline lints that at least one does). */
  promisesEos(ctx: FormatContext): boolean;
  /** Structural check of one row; null when it is fine. */
  validateRow(row: Row, ctx: FormatContext): RowProblem | null;
  /** Tokenize one valid row. Null: the row holds nothing to train on and is left out silently (e.g. empty text). */
  toExample(row: Row, ctx: FormatContext): Example | null;
  /** A whole-dataset step after all rows (completion: concatenate and cut into blocks). */
  finalize?(examples: Example[], ctx: FormatContext): Example[];
  /**
   * The prompt text a model trained on this format sees before its answer, from named values
   * (alpaca: `instruction`, `input`); `tune generate --template <format>` renders prompts with it.
   */
  prompt?(values: Readonly<Record<string, string>>): string;
}

/**
 * Thrown by `toExample` for a problem found only while converting (e.g. a chat template rejecting the
 * conversation); the pipeline reports it with file and row like a validation problem.
 */
export class RowError extends Error {
  readonly problem: RowProblem;
  constructor(problem: RowProblem) {
    super(problem.message);
    this.name = 'RowError';
    this.problem = problem;
  }
}

/** Duck-typed so it works across module copies. */
export function isRowError(e: unknown): e is RowError {
  return e instanceof Error && e.name === 'RowError' && typeof (e as { problem?: unknown }).problem === 'object';
}

/** Keys every dataset entry may carry whatever its format. */
export const COMMON_DATASET_KEYS: readonly string[] = ['path', 'format', 'name', 'split', 'revision', 'weight', 'train_on_inputs', 'on_bad_row'];

/** Describe a value's type for `found` in diagnostics. */
export function typeOfValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}
