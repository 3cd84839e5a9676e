/**
 * Planning: a recipe compiled into a frozen Plan — module placement (trainable / adapted / low-bit /
 * frozen, as the method plugins place themselves), parameter counts, optimizer groups, schedule and
 * step counts, and the memory budget — from the model config alone, without weights and without
 * TensorFlow.js. The plugin host's `planRecipe` gathers the inputs with the recipe's plugins.
 */
export { compile, defaultParamGroups, type CompileOptions } from './compile.js';
export { formatPlan } from './format.js';
export { estimateTrainingMemory, nf4BytesPerParam, formatBytes as formatPlanBytes, type EngineCopies, type MemoryBudget, type MemoryInputs, type ParamCounts } from './memory.js';
export { modelDims, type ModelDims } from './dims.js';
export { resolvePlanConfig, type PlanModelConfig } from './model-source.js';
export { planDataSize, TOKENIZE_ROW_LIMIT } from './data-size.js';
export { gpuReferenceBudget, type GpuReference } from './gpu-reference.js';
export { basePlacement, finishPlacement, type ModelPlacement, type PlanModelContext, type PlannedModule, type PlannedTensor } from './placement.js';
export type * from './types.js';
