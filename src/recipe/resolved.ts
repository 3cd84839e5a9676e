/**
 * `ResolvedRecipe`: what validation and normalization return, and the only recipe shape code after
 * `src/recipe/` sees. Every default from the schema is applied, `extends` is merged, overrides are
 * applied, and every relative path is absolute (resolved against the file that wrote it).
 * Keys keep the recipe's snake_case so a recipe and its resolved form read the same. The core
 * sections are the schema's own types after defaults (sections.generated.ts, generated from it)
 * with the resolved fields on top; plugin-owned blocks (a method's, an optimizer's, a format's keys)
 * are typed by their plugins, from their own schema fragments.
 */
import type { RecipeSections } from './sections.generated.js';

export type Dtype = RecipeSections['model']['dtype'];

export interface ResolvedModel extends Omit<RecipeSections['model'], 'base'> {
  /** Absolute folder (local) or hub repo id without `@rev` (hub); null for `init: random` without base. */
  base: string | null;
  base_kind: 'local' | 'hub' | null;
  /** Hub revision (`@rev` on base wins over `model.revision`). */
  revision: string;
}

export interface ResolvedTokenizer extends Omit<RecipeSections['tokenizer'], 'path' | 'chat_template'> {
  /** Absolute folder or hub id holding tokenizer.json (defaults to the model's). Null only without base. */
  path: string | null;
  path_kind: 'local' | 'hub' | null;
  /** An inline template, a template file, or null (use the tokenizer's). */
  chat_template: { kind: 'inline'; text: string } | { kind: 'file'; path: string } | null;
}

export type OnBadRow = 'error' | 'skip';

/**
 * One dataset: the common keys, and the keys its format owns (`template` and `fields` for alpaca,
 * `text_field` for completion, …), with that format's defaults.
 */
export interface ResolvedDataset {
  /** Absolute file/folder/glob (local) or hub dataset id. */
  path: string;
  path_kind: 'local' | 'hub';
  format: string;
  name: string | null;
  split: string;
  revision: string | null;
  weight: number;
  train_on_inputs: boolean;
  on_bad_row: OnBadRow;
  /** The format's own keys. */
  [key: string]: unknown;
}

export interface ResolvedData extends Omit<RecipeSections['data'], 'datasets' | 'cache_dir'> {
  datasets: ResolvedDataset[];
  /** Absolute. */
  cache_dir: string;
}

/**
 * `method`: the kind, and the keys that kind takes (`lora` for lora and qlora, `quantization` for
 * qlora, `freeze` for full, or a third-party method's), with their defaults. The core reads only
 * `kind`; each method plugin reads its own keys.
 */
export interface ResolvedMethod {
  kind: string;
  [key: string]: unknown;
}

/** `optimizer`: the shared settings, and the named optimizer's own keys (`betas`, `eps`, `momentum`, …). */
export interface ResolvedOptimizer {
  name: string;
  lr: number;
  weight_decay: number;
  [key: string]: unknown;
}

/** `regularization`: the loss term a plugin computes, and its keys. */
export interface ResolvedRegularization {
  kind: string;
  [key: string]: unknown;
}

export type ResolvedSchedule = RecipeSections['schedule'];

export interface ResolvedTraining extends Omit<RecipeSections['training'], 'epochs' | 'max_steps'> {
  /** Exactly one of epochs and max_steps is non-null. */
  epochs: number | null;
  max_steps: number | null;
  /** micro_batch_size × gradient_accumulation_steps. */
  effective_batch_size: number;
}

export interface ResolvedEval extends Omit<RecipeSections['eval'], 'batch_size'> {
  /** Default: `training.micro_batch_size`. */
  batch_size: number;
}

/** An `output.export` entry: `full`, or a kind a plugin registers (`adapter`, `merged`, …). */
export type ExportKind = string;

export interface ResolvedOutput extends Omit<RecipeSections['output'], 'dir' | 'export'> {
  /** Absolute. */
  dir: string;
  /** Default: the method's (`[adapter]` for adapter methods, `[full]` for full fine-tuning). */
  export: ExportKind[];
  /** The absolute folder each export kind is written to (`<dir>/model` for `full`, `<dir>/<kind>` for most). */
  export_dirs: Record<ExportKind, string>;
}

export type ResolvedLogging = RecipeSections['logging'];

export interface ResolvedEngine {
  /** `auto` or a registered backend. */
  backend: string;
  threads: number | null;
  /** Backends' own settings blocks (`engine.<backend>`). */
  [key: string]: unknown;
}

export interface ResolvedPlugin {
  /** As written: a built-in name, a relative path or an npm package. */
  use: string;
  /** Absolute module path for relative paths; null for names and packages. */
  path: string | null;
  /** Folder npm packages are resolved from (the folder of the recipe file that named the plugin). */
  base_dir: string;
  options: Record<string, unknown>;
  /** JSON pointer of the plugin's options in the recipe, for diagnostics (`/plugins/0/options`). */
  pointer: string;
}

export interface RecipeSource {
  /** Absolute recipe file, or null for recipes built in code. */
  file: string | null;
  /** Every file of the extends chain, bases first, ending with `file`. */
  files: string[];
  overrides: string[];
}

export interface ResolvedRecipe {
  recipe_version: 1;
  description: string;
  source: RecipeSource;
  model: ResolvedModel;
  tokenizer: ResolvedTokenizer;
  data: ResolvedData;
  method: ResolvedMethod;
  optimizer: ResolvedOptimizer;
  /** Null unless the recipe selects a loss term. */
  regularization: ResolvedRegularization | null;
  schedule: ResolvedSchedule;
  training: ResolvedTraining;
  eval: ResolvedEval;
  output: ResolvedOutput;
  logging: ResolvedLogging;
  engine: ResolvedEngine;
  plugins: ResolvedPlugin[];
}
