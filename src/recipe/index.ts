/**
 * The recipe API: load a YAML recipe (extends, overrides, schema, semantic checks) into a
 * ResolvedRecipe, or get every diagnostic of a file without throwing.
 *
 * @example
 * import { loadRecipe } from 'tunekit';
 * const recipe = await loadRecipe('recipes/tiny/stories-lora.yaml', { overrides: ['training.max_steps=10'] });
 */
export { loadRecipe, validateRecipeFile, checkRecipeFile, resolveRecipeObject, locateInRecipe } from './load.js';
export type { LoadRecipeOptions, RecipeCheck, ResolveObjectOptions } from './load.js';
export type * from './resolved.js';
export type { RecipeInput } from './types.generated.js';
export { parseOverride, looksLikeOverride, type Override } from './overrides.js';
export { recipeSchema, recipeSchemaPath } from './schema.js';
export { ARCH_FACTS, archFacts, contextLength, modulePaths, targetMatches, type ArchFacts } from './arch-facts.js';
export { buildRecipeSchema, orList, type VariantsAnnotation } from './build-schema.js';
export { collectContributions } from './contributions.js';
export type * from './contributions.js';
export { RecipeSchema, compileRecipeSchema, shippedRecipeSchema } from './schema.js';
export { loadRecipeLayer, applyLayerOverrides, resolveLayer, type LayerContext, type LoadedLayer } from './load.js';
export { CORE_ALIASES, aliasFor, type Alias } from './aliases.js';
