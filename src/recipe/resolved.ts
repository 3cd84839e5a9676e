/**
 * `ResolvedRecipe`: what validation and normalization return, and the only recipe shape code after
 * `src/recipe/` sees. Every default from the schema is applied, `extends` is merged, overrides are
 * applied, and every relative path is absolute (resolved against the file that wrote it).
 * Keys keep the recipe's snake_case so a recipe and its resolved form read the same.
 */
export type Dtype = 'float32' | 'bfloat16' | 'float16';

export interface ResolvedModel {
  /** Absolute folder (local) or hub repo id without `@rev` (hub); null for `init: random` without base. */
  base: string | null;
  base_kind: 'local' | 'hub' | null;
  /** Hub revision (`@rev` on base wins over `model.revision`). */
  revision: string;
  init: 'pretrained' | 'random';
  config: Record<string, unknown>;
  dtype: Dtype;
  offline: boolean;
}

export interface ResolvedTokenizer {
  /** Absolute folder or hub id holding tokenizer.json (defaults to the model's). Null only without base. */
  path: string | null;
  path_kind: 'local' | 'hub' | null;
  add_bos: boolean | null;
  add_eos: boolean;
  pad_token: string | null;
  /** An inline template, a template file, or null (use the tokenizer's). */
  chat_template: { kind: 'inline'; text: string } | { kind: 'file'; path: string } | null;
}

export type OnBadRow = 'error' | 'skip';

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
  template: { prompt_input: string; prompt_no_input: string };
  fields: { instruction: string; input: string; output: string };
  text_field: string;
  messages_field: string;
  /** Data role name → chat role (always includes the identity mapping for system/user/assistant). */
  roles: Record<string, 'system' | 'user' | 'assistant'>;
  segments_field: string;
  options: Record<string, unknown>;
}

export interface ResolvedData {
  datasets: ResolvedDataset[];
  sequence_len: number;
  truncation: 'truncate' | 'drop' | 'error';
  train_on_inputs: boolean;
  packing: boolean;
  /** A fraction in [0, 1) or a row count >= 1. */
  val_set_size: number;
  shuffle: boolean;
  on_bad_row: OnBadRow;
  /** Absolute. */
  cache_dir: string;
}

export interface ResolvedLora {
  r: number;
  alpha: number;
  dropout: number;
  /** List, regex string, `all-linear`, or null for PEFT's default of the model type (see arch-facts). */
  target_modules: string[] | string | null;
  exclude_modules: string[] | string;
  bias: 'none' | 'all' | 'lora_only';
  rslora: boolean;
  modules_to_save: string[];
  init: 'default' | 'gaussian';
  /** Absolute adapter folder, or null. */
  init_from: string | null;
}

export interface ResolvedQuantization {
  bits: 4;
  type: 'nf4' | 'fp4';
  double_quant: boolean;
  blocksize: 32 | 64 | 128 | 256 | 512 | 1024 | 2048 | 4096;
  compute_dtype: Dtype;
}

export interface ResolvedMethod {
  kind: 'full' | 'lora' | 'qlora';
  /** full only (empty otherwise). */
  freeze: string[];
  /** Present for lora and qlora, null for full. */
  lora: ResolvedLora | null;
  /** Present for qlora only. */
  quantization: ResolvedQuantization | null;
}

export interface ResolvedOptimizer {
  name: 'adamw' | 'sgd' | 'adamw_8bit' | 'paged_adamw_8bit';
  lr: number;
  betas: [number, number];
  eps: number;
  weight_decay: number;
  momentum: number;
  nesterov: boolean;
}

export interface ResolvedSchedule {
  name: 'constant' | 'constant_with_warmup' | 'linear' | 'cosine' | 'cosine_with_min_lr';
  /** HF rule: warmup_steps if > 0, else ceil(total_steps × warmup_ratio). At most one is non-zero. */
  warmup_steps: number;
  warmup_ratio: number;
  min_lr_ratio: number;
}

export interface ResolvedTraining {
  /** Exactly one of epochs and max_steps is non-null. */
  epochs: number | null;
  max_steps: number | null;
  micro_batch_size: number;
  gradient_accumulation_steps: number;
  /** micro_batch_size × gradient_accumulation_steps. */
  effective_batch_size: number;
  max_grad_norm: number;
  gradient_checkpointing: boolean;
  seed: number;
}

export interface ResolvedEval {
  steps: number | null;
  batch_size: number;
  early_stopping: { patience: number | null; min_delta: number };
}

export type ExportKind = 'adapter' | 'merged' | 'full';

export interface ResolvedOutput {
  /** Absolute. */
  dir: string;
  save_steps: number | null;
  save_total_limit: number | null;
  export: ExportKind[];
  overwrite: boolean;
}

export interface ResolvedLogging {
  steps: number;
  jsonl: boolean;
  tensorboard: boolean;
  progress: 'auto' | 'bar' | 'plain' | 'none';
}

export interface ResolvedEngine {
  backend: 'auto' | 'tensorflow' | 'native' | 'wasm' | 'cpu';
  threads: number | null;
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
  schedule: ResolvedSchedule;
  training: ResolvedTraining;
  eval: ResolvedEval;
  output: ResolvedOutput;
  logging: ResolvedLogging;
  engine: ResolvedEngine;
  plugins: ResolvedPlugin[];
}
