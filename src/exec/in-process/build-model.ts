/**
 * The model of a plan, in this process: load the base (or initialise it), let the method plugins
 * build themselves in (`prepareModel`), then make every parameter trainable or frozen exactly as the
 * plan says — and check that what the plugins built is what they planned, tensor for tensor.
 */
import { fail } from '../../diagnostics/index.js';
import type { CausalLM } from '../../models/causal-lm.js';
import { type ModelConfig } from '../../models/catalog.js';
import { loadModel, randomModel } from '../../models/load.js';
import type { Plan } from '../../plan/types.js';
import type { RunContext } from '../../plugin-host/context.js';
import type { TuneDriver } from '../../plugin-host/hooks.js';
import type { ResolvedRecipe } from '../../recipe/resolved.js';

/** The base model: loaded from its folder with `model.config` applied, or initialised (`init: random`). */
export async function baseModel(recipe: ResolvedRecipe, dir: string | null, config: ModelConfig): Promise<CausalLM> {
  if (recipe.model.init === 'random') return randomModel(config, { seed: recipe.training.seed });
  if (!dir) fail('MODEL_CONFIG_MISSING', 'model.base is required for init: pretrained');
  return loadModel(dir, { configOverrides: recipe.model.config });
}

/**
 * Run `prepareModel` and apply the plan's trainability. Fails with PLAN_RUN_MISMATCH when a built
 * parameter is not in the plan, has another shape, or a planned one was not built.
 */
export async function buildPlannedModel(base: CausalLM, plan: Plan, driver: TuneDriver, ctx: RunContext): Promise<CausalLM> {
  const model = ((await driver.hookSequential('prepareModel', base, ctx)) as CausalLM | undefined) ?? base;
  const planned = new Map(plan.tensors.filter((t) => t.storage === null).map((t) => [t.name, t]));
  const problems: string[] = [];
  const built = new Set<string>();
  for (const [name, p] of model.namedParameters()) {
    built.add(name);
    const t = planned.get(name);
    if (!t) {
      problems.push(`\`${name}\` was built but is not in the plan`);
      continue;
    }
    if (t.shape.join(',') !== p.shape.join(',')) problems.push(`\`${name}\` is [${p.shape.join(', ')}], planned [${t.shape.join(', ')}]`);
    p.setTrainable(t.trainable);
  }
  for (const name of planned.keys()) if (!built.has(name)) problems.push(`\`${name}\` was planned but not built`);
  if (problems.length) {
    fail('PLAN_RUN_MISMATCH', `the model the method plugins built is not the planned one: ${problems.slice(0, 4).join('; ')}${problems.length > 4 ? `; … ${problems.length - 4} more` : ''}`, {
      hint: 'a method plugin places one thing in `planModel` and builds another in `prepareModel`; report it to the plugin’s author',
    });
  }
  return model;
}
