/** The first-party plugins, as the CLI hands them to commands and runs. */
import { builtinPlugins } from '../../plugins/index.js';
import { collectContributions } from '../../src/recipe/contributions.js';

export const CATALOG = builtinPlugins();

/** Every recipe key the first-party plugins contribute. */
export const REGISTRY = collectContributions(CATALOG.plugins);

import { planRecipe } from '../../src/exec/plan-recipe.js';
import { parseModelConfig, type ModelConfig } from '../../src/models/catalog.js';
import type { DataSize, Plan } from '../../src/plan/types.js';
import { pluginsForRecipe } from '../../src/plugin-host/recipe.js';
import type { ResolvedRecipe } from '../../src/recipe/resolved.js';

/** A plan as `tune plan` computes it, with the inputs a test fixes (config, data size, backend, machine). */
export async function planWith(
  recipe: ResolvedRecipe,
  o: { config?: ModelConfig; data?: DataSize | false; backend?: string; env?: NodeJS.ProcessEnv; machine?: { totalBytes: number; cores: number } } = {},
): Promise<Plan> {
  const plugins = await pluginsForRecipe(recipe, CATALOG);
  const env = o.env ?? { TUNEKIT_NATIVE: '0' };
  const config = o.config ?? parseModelConfig(recipe.model.config, 'model.config');
  return planRecipe(recipe, plugins, {
    env,
    config: { config, raw: recipe.model.config, source: { kind: 'recipe', where: 'model.config' }, unverified: [] },
    engine: plugins.backends.choose(o.backend ?? 'auto', env),
    data: o.data ?? false,
    ...(o.machine ? { machine: o.machine } : {}),
  });
}

/** `plan.method.details.lora` of a LoRA plan. */
export const loraPlanOf = (plan: Plan): { r: number; alpha: number; scaling: number; dropout: number; targets: number; targetSpec: unknown; paths: string[] } | undefined =>
  plan.method.details['lora'] as never;
