/**
 * The recipe's `tokenizer` and `data` sections as the data pipeline reads them, key for key
 * (snake_case), after defaults and path resolution. `src/recipe/` produces these; their types and
 * defaults come from the schema.
 */
import type { DiagnosticInit } from '../diagnostics/index.js';
import { DATA } from '../recipe/core-schema/data.js';
import type { RecipeSections } from '../recipe/sections.generated.js';

export type BadRowPolicy = 'error' | 'skip';
export type TruncationPolicy = 'truncate' | 'drop' | 'error';

/**
 * One entry of `data.datasets`: the common keys, and the keys its format owns (the format reads
 * them with its own types; the schema gave them their defaults).
 */
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
  /** The format's own keys. */
  [key: string]: unknown;
}

/** `data`: the recipe's section after defaults, with datasets as the pipeline reads them. */
export interface DataConfig extends Omit<RecipeSections['data'], 'datasets'> {
  datasets: DatasetConfig[];
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

/** Defaults of `data` — read from the schema, where they are defined — for callers that build a config by hand. */
export const DATA_DEFAULTS: Omit<DataConfig, 'datasets'> = Object.fromEntries(
  Object.entries(DATA['properties'] as Record<string, { default?: unknown }>)
    .filter(([k, v]) => k !== 'datasets' && 'default' in v)
    .map(([k, v]) => [k, v.default]),
) as Omit<DataConfig, 'datasets'>;

/** A source position in the recipe (file, line/col, and the source text for a code frame). */
export type RecipePosition = Pick<DiagnosticInit, 'file' | 'line' | 'col' | 'endLine' | 'endCol' | 'source'>;

/**
 * Maps a JSON pointer inside the recipe (e.g. `/data/datasets/0/path`) to its position; the recipe
 * loader provides one, tests and API callers may omit it.
 */
export type RecipeLocator = (pointer: string) => RecipePosition | undefined;
