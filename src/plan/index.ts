/**
 * Planning: a recipe compiled into a frozen Plan — module placement (trainable / LoRA / 4-bit /
 * frozen), parameter counts, optimizer groups, schedule and step counts, and the memory budget —
 * from the model config alone, without weights and without TensorFlow.js.
 *
 * @example
 * import { loadRecipe, planRecipe, formatPlan } from 'tunekit';
 * const plan = await planRecipe(await loadRecipe('recipes/mpt30b-qlora.yaml'));
 * process.stdout.write(formatPlan(plan));
 */
import type { ResolvedRecipe } from '../recipe/resolved.js';
import { compile } from './compile.js';
import { planDataSize } from './data-size.js';
import { resolvePlanConfig } from './model-source.js';
import type { Plan } from './types.js';

export { compile, type CompileOptions } from './compile.js';
export { formatPlan } from './format.js';
export { estimateTrainingMemory, nf4BytesPerParam, optimizerStateBytes, formatBytes as formatPlanBytes, type MemoryBudget, type MemoryInputs, type ParamCounts } from './memory.js';
export { modelDims, type ModelDims } from './dims.js';
export { chooseEngine, type EngineChoice, type EngineProbe, type PlannedBackend } from './engine-choice.js';
export { resolvePlanConfig, type PlanModelConfig } from './model-source.js';
export { planDataSize, TOKENIZE_ROW_LIMIT } from './data-size.js';
export { gpuReferenceBudget, type GpuReference } from './gpu-reference.js';
export type { PlannedModule, PlacementKind } from './placement.js';
export type * from './types.js';

/** Options of {@link planRecipe}. */
export interface PlanRecipeOptions {
  /** Environment for the Hub cache location (HF_HOME, HF_HUB_CACHE). Default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Find the training-set size (reads and possibly tokenizes local data). Default true. */
  data?: boolean;
}

/** Find the config offline and the data size, then {@link compile}. */
export async function planRecipe(recipe: ResolvedRecipe, opts: PlanRecipeOptions = {}): Promise<Plan> {
  const env = opts.env ?? process.env;
  const cfg = await resolvePlanConfig(recipe, env);
  const data = opts.data === false ? { trainRows: null, valRows: null, how: 'data size not requested' } : await planDataSize(recipe, env);
  return compile(recipe, { config: cfg.config, configSource: cfg.source, unverified: cfg.unverified, data });
}
