/**
 * The plugins a recipe runs with: the implicit first-party ones, then its own `plugins:` entries
 * (each with its options' recipe positions for diagnostics). `tune run`, `tune preprocess` and
 * `tune eval` load them the same way, so a dataset format from a plugin works everywhere.
 */
import { dirname } from 'node:path';
import type { DatasetFormat } from '../data/format.js';
import { locateInRecipe, type ResolvedRecipe } from '../recipe/index.js';
import { builtinPlugins, implicitPlugins } from './builtins.js';
import { createDriver, loadPlugins, type PluginRef, type SourcePosition, type TuneDriver } from './index.js';

function position(recipe: ResolvedRecipe, pointer: string): SourcePosition | undefined {
  const l = locateInRecipe(recipe, pointer, 'value');
  return l.file && l.line !== undefined ? { file: l.file, line: l.line, col: l.col ?? 1, ...(l.source !== undefined ? { source: l.source } : {}) } : undefined;
}

export function pluginRefs(recipe: ResolvedRecipe): PluginRef[] {
  const explicit = new Set(recipe.plugins.map((p) => p.use));
  const refs: PluginRef[] = implicitPlugins(recipe).filter((n) => !explicit.has(n)).map((use) => ({ use }));
  recipe.plugins.forEach((p, i) => {
    const at = position(recipe, `/plugins/${i}`);
    refs.push({ use: p.path ?? p.use, options: p.options, ...(at ? { at } : {}), locateOption: (ptr) => position(recipe, `${p.pointer}${ptr}`) });
  });
  return refs;
}

/** Load the recipe's plugins into a driver. */
export async function recipeDriver(recipe: ResolvedRecipe, cwd: string): Promise<TuneDriver> {
  const baseDir = recipe.source.file ? dirname(recipe.source.file) : cwd;
  return createDriver(await loadPlugins(pluginRefs(recipe), { baseDir, builtins: builtinPlugins() }));
}

/** Every dataset format the recipe's plugins provide (built-in ones included). */
export async function datasetFormats(driver: TuneDriver): Promise<Map<string, DatasetFormat>> {
  return ((await driver.hookSequential('datasetFormats', new Map<string, DatasetFormat>())) as Map<string, DatasetFormat> | undefined) ?? new Map();
}
