/**
 * tunekit's programmatic API. Everything `tune` does on the command line is reachable from here;
 * `examples/` uses only these exports.
 */
export * from './diagnostics/index.js';
export * from './recipe/index.js';
export * from './io/index.js';
export * from './models/index.js';
export * from './generate/index.js';
export * from './tokenizer/index.js';
export * from './data/index.js';
export * from './quant/index.js';
export { definePlugin, HOOK_KINDS, type Plugin, type PluginDefinition, type PluginSetupContext, type TunePluginHooks, type LogRecord } from './plugin-host/index.js';
export type { OptimizerRequest, CheckpointFiles } from './plugin-host/hooks.js';
export { runRecipe, type RunOptions, type RunResult } from './train/run.js';
export type { RunContext, ExportContext } from './train/run-context.js';
export type { StepMetrics, EvalMetrics, TrainBeginInfo, TrainEndInfo, CheckpointInfo, TrainEndReason } from './train/events.js';
export type { Optimizer, OptimizerState, ParamGroup, Param } from './train/optim/optimizer.js';
export { initEngine, type BackendName, type EngineInfo } from './engine/index.js';
export * from './plan/index.js';
