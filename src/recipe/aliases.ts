/**
 * Spellings people bring from Axolotl, the HF Trainer, PEFT and torchtune, mapped to where the same
 * setting lives in a tunekit recipe. Used for "did you mean" hints on unknown keys at any level.
 * These are the core's; plugins add the spellings of the keys they own (`recipe.aliases`), and the
 * built schema carries them all as `x-aliases`.
 */
import type { Alias } from './contributions.js';

export type { Alias };

export const CORE_ALIASES: Readonly<Record<string, Alias>> = {
  // optimizer
  learning_rate: { to: 'optimizer.lr' },
  lr: { to: 'optimizer.lr' },
  optim: { to: 'optimizer.name' },
  weight_decay: { to: 'optimizer.weight_decay' },
  // schedule
  lr_scheduler: { to: 'schedule.name' },
  lr_scheduler_type: { to: 'schedule.name' },
  scheduler: { to: 'schedule.name' },
  warmup_steps: { to: 'schedule.warmup_steps' },
  warmup_ratio: { to: 'schedule.warmup_ratio' },
  cosine_min_lr_ratio: { to: 'schedule.min_lr_ratio', note: 'with `schedule.name: cosine_with_min_lr`' },
  // training
  num_epochs: { to: 'training.epochs' },
  num_train_epochs: { to: 'training.epochs' },
  epochs: { to: 'training.epochs' },
  max_steps: { to: 'training.max_steps' },
  micro_batch_size: { to: 'training.micro_batch_size' },
  per_device_train_batch_size: { to: 'training.micro_batch_size' },
  batch_size: { to: 'training.micro_batch_size', note: 'the effective batch is micro_batch_size × gradient_accumulation_steps' },
  gradient_accumulation_steps: { to: 'training.gradient_accumulation_steps' },
  max_grad_norm: { to: 'training.max_grad_norm' },
  gradient_checkpointing: { to: 'training.gradient_checkpointing' },
  seed: { to: 'training.seed' },
  // data
  datasets: { to: 'data.datasets' },
  sequence_len: { to: 'data.sequence_len' },
  max_seq_length: { to: 'data.sequence_len' },
  max_seq_len: { to: 'data.sequence_len' },
  seq_len: { to: 'data.sequence_len' },
  cutoff_len: { to: 'data.sequence_len' },
  model_max_length: { to: 'data.sequence_len' },
  block_size: { to: 'data.sequence_len' },
  sample_packing: { to: 'data.packing' },
  packing: { to: 'data.packing' },
  train_on_inputs: { to: 'data.train_on_inputs' },
  val_set_size: { to: 'data.val_set_size' },
  dataset_prepared_path: { to: 'data.cache_dir' },
  // model / tokenizer
  base_model: { to: 'model.base' },
  model_name_or_path: { to: 'model.base' },
  pretrained_model_name_or_path: { to: 'model.base' },
  base_model_config: { to: 'model.config' },
  bf16: { to: 'model.dtype', note: 'write `dtype: bfloat16`' },
  fp16: { to: 'model.dtype', note: 'write `dtype: float16`' },
  torch_dtype: { to: 'model.dtype' },
  tokenizer_config: { to: 'tokenizer.path' },
  tokenizer_type: { to: 'tokenizer.path', note: 'tunekit reads tokenizer.json; point `tokenizer.path` at its folder' },
  chat_template: { to: 'tokenizer.chat_template' },
  // eval / output / logging
  eval_steps: { to: 'eval.steps' },
  early_stopping_patience: { to: 'eval.early_stopping.patience' },
  output_dir: { to: 'output.dir' },
  save_steps: { to: 'output.save_steps' },
  save_total_limit: { to: 'output.save_total_limit' },
  logging_steps: { to: 'logging.steps' },
};

/** The alias for an unknown key, unless it already sits where the alias points. */
export function aliasFor(key: string, parentDotted: string, aliases: Readonly<Record<string, Alias>> = CORE_ALIASES): Alias | undefined {
  const pick = (k: string): Alias | undefined => (Object.hasOwn(aliases, k) ? aliases[k] : undefined);
  const a = pick(key) ?? pick(key.toLowerCase());
  if (!a) return undefined;
  const here = parentDotted ? `${parentDotted}.${key}` : key;
  return a.to === here ? undefined : a;
}
