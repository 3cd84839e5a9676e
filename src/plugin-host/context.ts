/**
 * What hooks receive: the run's context for method and export plugins, and the payloads of the
 * training-step hooks. Types only; the in-process runner fills them.
 */
import type { Batch } from '../train/batch.js';
import type { DataSession } from '../data/session.js';
import type { PreparedData } from '../data/prepare.js';
import type { DiagnosticInit } from '../diagnostics/index.js';
import type { tf } from '../engine/index.js';
import type { CausalLM } from '../models/causal-lm.js';
import type { Parameter } from '../models/layers/parameter.js';
import type { Plan } from '../plan/types.js';
import type { ExportKind, ResolvedRecipe } from '../recipe/resolved.js';
import type { SeedStream } from '../train/seeds.js';

/** Free-form record a plugin may add to the metrics log (`ctx.record`, the `log` hook). */
export type LogRecord = Record<string, number | string | boolean | null>;

/** What method, export and logger plugins see of a run (the in-process runner's hooks). */
export interface RunContext {
  recipe: ResolvedRecipe;
  /** The plan this run executes. */
  plan: Plan;
  /** Local folder of the base model (downloaded for Hub models); null for random init without base. */
  modelDir: string | null;
  /** Local folder holding the tokenizer files; null when the data is pre-tokenized ids only. */
  tokenizerDir: string | null;
  /** config.json of the model being trained (with `model.config`), in HF layout (what an export writes). */
  modelConfig: Record<string, unknown>;
  outputDir: string;
  seeds: SeedStream;
  /** True while training (dropout active), false for eval, export and generation. */
  readonly training: { on: boolean };
  /** Print one line to the run log. */
  log(message: string): void;
  /** Add a record to the metrics log (every plugin's `log` hook receives it; metrics.jsonl writes it). */
  record(record: LogRecord): void;
  /** Recipe position of a value, so a plugin's diagnostics point into the recipe (`ctx.locate('/method/lora/r')`). */
  locate(pointer: string, prefer?: 'key' | 'value'): DiagnosticInit;
  /** The model being trained, once built (checkpoint hooks read it). */
  model?: CausalLM;
}

/** What an export hook receives: the trained model and where its kinds go. */
export interface ExportContext extends RunContext {
  model: CausalLM;
  /** Folders per requested export kind (`adapter`, `merged`, `full`). */
  targets: Partial<Record<ExportKind, string>>;
  /** Written by the hooks: kind → folder actually written. */
  written: Map<string, string>;
}

/** `runBegin`: the run's data is prepared, before the model is built. */
export interface RunBeginInfo {
  recipe: ResolvedRecipe;
  plan: Plan;
  /** The run's data session: its tokenizer, and `prepare()` for held-out files read like the recipe's data. */
  session: DataSession;
  data: PreparedData;
  outputDir: string;
  log(message: string): void;
  locate(pointer: string, prefer?: 'key' | 'value'): DiagnosticInit;
}

/** Where in training a batch or a loss term is. */
export interface StepContext {
  recipe: ResolvedRecipe;
  /** 0-based optimizer step. */
  step: number;
  /** 0-based micro-batch of the step. */
  microBatch: number;
}

/**
 * What a `lossTerms` hook computes its terms from. It runs inside the gradient computation: terms
 * are built from these tensors (synchronously) and their gradients flow to every trainable
 * parameter. The built-in token loss is `ce`.
 */
export interface LossInput extends StepContext {
  model: CausalLM;
  batch: Batch;
  /** Final hidden states `[B, T, hidden]`. */
  hidden: tf.Tensor;
  /** Full logits `[B, T, vocab]` (computed on first call: costly on big vocabularies). */
  logits(): tf.Tensor;
  /** The causal-LM token loss of this micro-batch (already divided by the tokens of the whole step). */
  ce: tf.Scalar;
  /** Tokens that carry a loss in the whole accumulated step (the token loss's divisor). */
  numItemsInBatch: number;
  /** Micro-batches in the step (a term meant once per step scales by 1 / this). */
  microBatches: number;
  /** Trainable parameters by name. */
  params: ReadonlyMap<string, Parameter>;
}

/** Named scalar terms added to the loss (each is also logged on its own as `loss_terms.<name>`). */
export type LossTerms = Map<string, tf.Scalar>;

/** `afterOptimizerStep`: the update just applied. Tensors are freed when the hooks return. */
export interface OptimizerUpdate {
  /** Optimizer steps completed (1 after the first). */
  step: number;
  learningRate: number;
  /** Gradients of the total loss (after accumulation, before clipping) by parameter name. */
  gradients: ReadonlyMap<string, tf.Tensor>;
  /** θ_after − θ_before by parameter name. */
  applied: ReadonlyMap<string, tf.Tensor>;
  params: ReadonlyMap<string, Parameter>;
}
