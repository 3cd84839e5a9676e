import type { HookKind } from './hook-kinds.js';
import type { CheckpointInfo, EvalMetrics, StepMetrics, TrainBeginInfo, TrainEndInfo } from '../train/events.js';
import type { DatasetFormat } from '../data/format.js';
import type { CausalLM } from '../models/causal-lm.js';
import type { Optimizer, ParamGroup } from '../train/optim/optimizer.js';
import type { ExportContext, RunContext } from '../train/run-context.js';
import type { ResolvedRecipe } from '../recipe/index.js';

/** What an optimizer factory receives. */
export interface OptimizerRequest {
  recipe: ResolvedRecipe;
  groups: ParamGroup[];
}

/** Files added to every checkpoint folder (name → contents). */
export type CheckpointFiles = Map<string, string | Uint8Array>;

/** Free-form record a plugin may add to the metrics log. */
export type LogRecord = Record<string, number | string | boolean | null>;

/**
 * Every hook a plugin can implement. The kind of each hook is fixed in {@link HOOK_KINDS}; the driver
 * is typed by it, so calling a hook the wrong way does not compile.
 */
export type TunePluginHooks = {
  // sequential — each plugin adds to or transforms the value
  /** Register dataset formats by name. */
  datasetFormats: (formats: Map<string, DatasetFormat>) => Map<string, DatasetFormat> | void;
  /** Shape the model for the method: freeze, wrap linears (LoRA), quantize. */
  prepareModel: (model: CausalLM, ctx: RunContext) => CausalLM | void | Promise<CausalLM | void>;
  /** Add files to each checkpoint folder (e.g. a PEFT adapter). */
  checkpointFiles: (files: CheckpointFiles, ctx: RunContext) => CheckpointFiles | void | Promise<CheckpointFiles | void>;
  // first — the first plugin that answers wins
  /** Build the optimizer the recipe names. */
  createOptimizer: (req: OptimizerRequest) => Optimizer | null;
  // parallel — notifications and side outputs
  /** Write the final outputs (adapter folder, merged model, full model). */
  exportOutputs: (ctx: ExportContext) => void | Promise<void>;
  // parallel — notifications from the trainer
  trainBegin: (info: TrainBeginInfo) => void | Promise<void>;
  stepEnd: (metrics: StepMetrics) => void | Promise<void>;
  evalEnd: (metrics: EvalMetrics) => void | Promise<void>;
  checkpointSaved: (info: CheckpointInfo) => void | Promise<void>;
  trainEnd: (info: TrainEndInfo) => void | Promise<void>;
  log: (record: LogRecord) => void | Promise<void>;
};

export const HOOK_KINDS = {
  datasetFormats: 'sequential',
  prepareModel: 'sequential',
  checkpointFiles: 'sequential',
  createOptimizer: 'first',
  exportOutputs: 'parallel',
  trainBegin: 'parallel',
  stepEnd: 'parallel',
  evalEnd: 'parallel',
  checkpointSaved: 'parallel',
  trainEnd: 'parallel',
  log: 'parallel',
} as const satisfies { [K in keyof TunePluginHooks]: HookKind };
