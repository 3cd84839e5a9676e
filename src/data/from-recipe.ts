import { locateInRecipe, type ResolvedRecipe } from '../recipe/index.js';
import type { DataConfig, DatasetConfig, RecipeLocator } from './config.js';
import { COMMON_DATASET_KEYS } from './format.js';
import type { FormatRegistry } from './prepare.js';

/**
 * The recipe's `data` section as the pipeline reads it. ResolvedRecipe fills every format's keys on
 * every dataset; only the keys the dataset's format owns are passed on.
 */
export function dataConfigFromRecipe(recipe: ResolvedRecipe, formats: FormatRegistry): DataConfig {
  const datasets = recipe.data.datasets.map((ds): DatasetConfig => {
    const owned = Object.keys(formats.get(ds.format)?.keys ?? {});
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(ds)) if (COMMON_DATASET_KEYS.includes(k) || owned.includes(k)) out[k] = v;
    return out as unknown as DatasetConfig;
  });
  const { datasets: _d, ...rest } = recipe.data;
  return { ...rest, datasets };
}

/** Recipe positions for data diagnostics. */
export function recipeLocator(recipe: ResolvedRecipe): RecipeLocator {
  return (pointer) => {
    const init = locateInRecipe(recipe, pointer, 'value');
    if (init.line === undefined) return undefined;
    const { path: _p, ...pos } = init;
    return pos;
  };
}
