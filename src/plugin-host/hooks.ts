import type { HookKind } from './hook-kinds.js';
import type { PluginDriver } from './driver.js';
import type { ExportContext, LogRecord, LossInput, LossTerms, OptimizerUpdate, RunBeginInfo, RunContext, StepContext } from './context.js';
import type { CausalLM } from '../models/causal-lm.js';
import type { ModelPlacement, PlanModelContext } from '../plan/placement.js';
import type { PlanParamGroup } from '../plan/types.js';
import type { ResolvedRecipe } from '../recipe/resolved.js';
import type { Batch } from '../train/batch.js';
import type { CheckpointInfo, EvalMetrics, StepMetrics, TrainBeginInfo, TrainEndInfo } from '../train/events.js';
import type { Optimizer, ParamGroup } from '../train/optim/optimizer.js';

export type { LogRecord };

/** What an optimizer factory receives. */
export interface OptimizerRequest {
  recipe: ResolvedRecipe;
  groups: ParamGroup[];
}

/** Files added to every checkpoint folder (name → contents). */
export type CheckpointFiles = Map<string, string | Uint8Array>;

/**
 * Every hook a plugin can implement. The kind of each hook is fixed in {@link HOOK_KINDS}; the driver
 * is typed by it, so calling a hook the wrong way does not compile. Hooks marked *plan* run in
 * `tune plan` too and must not load TensorFlow.js; the others run inside `tune run` (the in-process
 * runner), and a runner in another process says which of them it honours.
 */
export type TunePluginHooks = {
  // sequential — each plugin receives the previous plugin's value and returns the next
  /** *plan* Place the method in the model: make tensors trainable, add adapter tensors, store weights in fewer bits, label modules. */
  planModel: (placement: ModelPlacement, ctx: PlanModelContext) => ModelPlacement | void;
  /** *plan* Split or retune the optimizer's parameter groups (HF: decay / no decay), e.g. a faster lr for LoRA B. */
  paramGroups: (groups: PlanParamGroup[], ctx: PlanModelContext & { placement: ModelPlacement }) => PlanParamGroup[] | void;
  /** Build the method into the model exactly as the plan placed it: wrap linears (LoRA), quantize. */
  prepareModel: (model: CausalLM, ctx: RunContext) => CausalLM | void | Promise<CausalLM | void>;
  /** Change a training micro-batch before the forward pass (masking, augmentation). */
  transformBatch: (batch: Batch, ctx: StepContext) => Batch | void | Promise<Batch | void>;
  /** Add files to each checkpoint folder (e.g. a PEFT adapter). */
  checkpointFiles: (files: CheckpointFiles, ctx: RunContext) => CheckpointFiles | void | Promise<CheckpointFiles | void>;
  // inline — sequential, synchronous, inside the gradient computation
  /** Add named scalar terms to the loss (EWC, L2-SP, z-loss); each is logged on its own. */
  lossTerms: (terms: LossTerms, input: LossInput) => LossTerms | void;
  // first — the first plugin that answers wins
  /** Build the optimizer the recipe names. */
  createOptimizer: (req: OptimizerRequest) => Optimizer | null | Promise<Optimizer | null>;
  // parallel — notifications
  /** The run's data is prepared (tokenizer, rows, the data session), before the model is built. */
  runBegin: (info: RunBeginInfo) => void | Promise<void>;
  trainBegin: (info: TrainBeginInfo) => void | Promise<void>;
  stepEnd: (metrics: StepMetrics) => void | Promise<void>;
  /** After each optimizer step, with the update it applied (SI's path integral needs it). */
  afterOptimizerStep: (update: OptimizerUpdate) => void | Promise<void>;
  evalEnd: (metrics: EvalMetrics) => void | Promise<void>;
  checkpointSaved: (info: CheckpointInfo) => void | Promise<void>;
  /** Write the final outputs (adapter folder, merged model, full model). */
  exportOutputs: (ctx: ExportContext) => void | Promise<void>;
  /** The run ended, whatever the reason — completed, interrupted, early stopping, a non-finite loss or a failure. */
  trainEnd: (info: TrainEndInfo) => void | Promise<void>;
  /** A record some plugin logged with `ctx.record`. */
  log: (record: LogRecord) => void | Promise<void>;
};

export const HOOK_KINDS = {
  planModel: 'sequential',
  paramGroups: 'sequential',
  prepareModel: 'sequential',
  transformBatch: 'sequential',
  checkpointFiles: 'sequential',
  lossTerms: 'inline',
  createOptimizer: 'first',
  runBegin: 'parallel',
  trainBegin: 'parallel',
  stepEnd: 'parallel',
  afterOptimizerStep: 'parallel',
  evalEnd: 'parallel',
  checkpointSaved: 'parallel',
  exportOutputs: 'parallel',
  trainEnd: 'parallel',
  log: 'parallel',
} as const satisfies { [K in keyof TunePluginHooks]: HookKind };

/** A hook's name. */
export type HookName = keyof TunePluginHooks;

/** Hooks that run in `tune plan` as well as in a run (TensorFlow-free). */
export const PLAN_HOOKS: readonly HookName[] = ['planModel', 'paramGroups'];

/**
 * Hooks the Runner calls (it holds the model, the batches and the optimizer); every other hook is
 * called by the shared side of a run (planning, data, notifications), whatever the Runner.
 */
export const RUNNER_HOOKS: readonly HookName[] = ['prepareModel', 'transformBatch', 'checkpointFiles', 'lossTerms', 'createOptimizer', 'afterOptimizerStep', 'exportOutputs'];

/** The driver typed for tunekit's hooks. */
export type TuneDriver = PluginDriver<TunePluginHooks, typeof HOOK_KINDS>;
