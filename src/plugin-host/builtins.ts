/**
 * First-party plugins. They are written against the public plugin API only; the run loads the ones
 * a recipe needs before the recipe's own `plugins:`.
 */
import type { DatasetFormat } from '../data/format.js';
import { builtinFormats } from '../data/builtin-formats.js';
import type { ResolvedRecipe } from '../recipe/index.js';
import lora from '../../plugins/lora/index.js';
import qlora from '../../plugins/qlora/index.js';
import full from '../../plugins/full/index.js';
import optimizers from '../../plugins/optimizers/index.js';
import metricsJsonl from '../../plugins/metrics-jsonl/index.js';
import tensorboard from '../../plugins/tensorboard/index.js';
import exactMatch from '../../plugins/exact-match/index.js';
import { definePlugin, type Plugin, type TunePluginHooks } from './index.js';

/** Wrap a dataset format object as a plugin answering the `datasetFormats` hook. */
export function formatPlugin(format: DatasetFormat): Plugin<Record<string, never>, TunePluginHooks> {
  return definePlugin({
    name: `format-${format.name}`,
    version: '0.1.0',
    description: `the \`${format.name}\` dataset format`,
    setup: () => ({ datasetFormats: (m) => m.set(format.name, format) }),
  });
}

type AnyPlugin = Plugin<never, TunePluginHooks>;

/** Every first-party plugin by name (what a recipe's `plugins:` may name directly). */
export function builtinPlugins(): Map<string, AnyPlugin> {
  const list: AnyPlugin[] = [...[...builtinFormats().values()].map(formatPlugin), qlora, lora, full, optimizers, metricsJsonl, tensorboard, exactMatch] as AnyPlugin[];
  return new Map(list.map((p) => [p.name, p]));
}

/** The first-party plugins a recipe uses implicitly, in hook order. */
export function implicitPlugins(recipe: ResolvedRecipe): string[] {
  const names = [...builtinFormats().keys()].map((f) => `format-${f}`);
  // qlora quantizes the base before lora wraps it: order matters for the sequential prepareModel hook.
  names.push('qlora', 'lora', 'full', 'optimizers');
  if (recipe.logging.jsonl) names.push('metrics-jsonl');
  if (recipe.logging.tensorboard) names.push('tensorboard');
  return names;
}
