/**
 * The recipe's `tokenizer` and `data` sections as the data pipeline reads them, key for key as in
 * RECIPE-KEYS.md (snake_case), after defaults and path resolution. `src/recipe/` produces these.
 */
import type { DiagnosticInit } from '../diagnostics/index.js';

/** Alpaca prompt templates (`{field}` placeholders). */
export interface AlpacaTemplate {
  prompt_input: string;
  prompt_no_input: string;
}

export type BadRowPolicy = 'error' | 'skip';
export type TruncationPolicy = 'truncate' | 'drop' | 'error';

/** One entry of `data.datasets`. Format-specific keys are optional; a format rejects keys it does not own. */
export interface DatasetConfig {
  /** Local file / folder / glob (resolved against the recipe folder), or a Hub dataset id `org/name`. */
  path: string;
  format: string;
  name?: string | null;
  split?: string;
  revision?: string | null;
  weight?: number;
  /** Default: `data.train_on_inputs`. */
  train_on_inputs?: boolean;
  /** Default: `data.on_bad_row`. */
  on_bad_row?: BadRowPolicy;
  template?: Partial<AlpacaTemplate>;
  fields?: { instruction?: string; input?: string; output?: string };
  text_field?: string;
  messages_field?: string;
  roles?: Record<string, string>;
  segments_field?: string;
  options?: Record<string, unknown>;
}

/** `data`. */
export interface DataConfig {
  datasets: DatasetConfig[];
  sequence_len: number;
  truncation: TruncationPolicy;
  train_on_inputs: boolean;
  packing: boolean;
  val_set_size: number;
  shuffle: boolean;
  on_bad_row: BadRowPolicy;
  cache_dir: string;
}

/** `tokenizer`. */
export interface TokenizerConfig {
  /** Folder holding tokenizer.json; default the model folder. */
  path: string;
  add_bos?: boolean | null;
  add_eos?: boolean;
  pad_token?: string | null;
  /** Inline Jinja or a path to a .jinja file (ResolvedRecipe says which with `kind`). */
  chat_template?: string | { kind: 'inline'; text: string } | { kind: 'file'; path: string } | null;
}

/** Defaults of `data` (RECIPE-KEYS.md), for callers that build a config by hand. */
export const DATA_DEFAULTS: Omit<DataConfig, 'datasets'> = {
  sequence_len: 512,
  truncation: 'truncate',
  train_on_inputs: false,
  packing: false,
  val_set_size: 0,
  shuffle: true,
  on_bad_row: 'error',
  cache_dir: '.tunekit-cache',
};

/** A source position in the recipe (file, line/col, and the source text for a code frame). */
export type RecipePosition = Pick<DiagnosticInit, 'file' | 'line' | 'col' | 'endLine' | 'endCol' | 'source'>;

/**
 * Maps a JSON pointer inside the recipe (e.g. `/data/datasets/0/path`) to its position; the recipe
 * loader provides one, tests and API callers may omit it.
 */
export type RecipeLocator = (pointer: string) => RecipePosition | undefined;
