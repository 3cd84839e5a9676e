/**
 * tunekit's programmatic API. Everything `tune` does on the command line is reachable from here;
 * `examples/` and the first-party plugins' run-time modules use only these exports (plugin entry
 * modules use the TensorFlow-free `tunekit/plugin`, src/plugin-api.ts, which this re-exports). The
 * first-party plugins themselves are `tunekit/plugins` (plugins/index.ts): hosts pass them in.
 */
export * from './plugin-api.js';
export * from './diagnostics/index.js';
export * from './recipe/index.js';
export * from './io/index.js';
export * from './models/index.js';
export * from './generate/index.js';
export * from './tokenizer/index.js';
export * from './data/index.js';
export * from './quant/index.js';
export * from './plan/index.js';
export * from './exec/index.js';
export { createDriver, importPlugins, loadPlugins, setupPlugins, PluginDriver } from './plugin-host/index.js';
export { checkRecipe, openRecipe, openRecipeObject, pluginsForRecipe, recipeDriver, type OpenRecipe, type OpenRecipeOptions, type RecipePlugins } from './plugin-host/recipe.js';
export type { StepMetrics, EvalMetrics, TrainBeginInfo, TrainEndInfo, CheckpointInfo, TrainEndReason } from './train/events.js';
export type { Optimizer, OptimizerState, ParamGroup, Param } from './train/optim/optimizer.js';
export { AdamW } from './train/optim/adamw.js';
export { SGD } from './train/optim/sgd.js';
export { AdamW8bit } from './train/optim/adamw-8bit.js';
export { initEngine, tf, BackendRegistry, packageInstalled, type ActiveBackend, type BackendName } from './engine/index.js';
export { LmHead } from './models/lm-head.js';
export type { EmbeddingAdapter } from './models/embedding-adapter.js';
