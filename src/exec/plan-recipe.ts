/**
 * The Plan of a recipe with its plugins: the model config (offline for `tune plan`, the run's own
 * folder for `tune run`), the method plugins' placement (`planModel`) and parameter groups
 * (`paramGroups`), the optimizer's state size, the backend (by probe), the data size — then
 * `compile`. `tune plan` prints this; `tune run` executes exactly this.
 */
import { TuneError, isTuneError, type Diagnostic } from '../diagnostics/index.js';
import type { EngineChoice } from '../engine/registry.js';
import { modelCatalog } from '../models/catalog.js';
import { compile, defaultParamGroups } from '../plan/compile.js';
import { modelDims } from '../plan/dims.js';
import { planDataSize } from '../plan/data-size.js';
import { resolvePlanConfig, type PlanModelConfig } from '../plan/model-source.js';
import { basePlacement, finishPlacement, type ModelPlacement, type PlanModelContext } from '../plan/placement.js';
import type { DataSize, Plan, PlanParamGroup } from '../plan/types.js';
import type { TuneDriver } from '../plugin-host/hooks.js';
import { type RecipePlugins, recipeDriver } from '../plugin-host/recipe.js';
import { locateInRecipe } from '../recipe/load.js';
import type { ResolvedRecipe } from '../recipe/resolved.js';

/** What a plan is made from beyond the recipe; each has a default found offline. */
export interface PlanInputs {
  /** Environment (HF_HOME, HF_HUB_CACHE, TUNEKIT_NATIVE). Default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** The recipe's plugins, set up (default: set up here). */
  driver?: TuneDriver;
  /** The model config (default: found offline). */
  config?: PlanModelConfig;
  /** The training-set size; `false` not to read the data. Default: read local data (see planDataSize). */
  data?: DataSize | false;
  /** The backend (default: what `engine.backend` resolves to here, by probe). */
  engine?: EngineChoice;
  /** The machine the verdicts are for (default: this one). */
  machine?: { totalBytes: number; cores: number };
}

const position = (recipe: ResolvedRecipe, pointer: string): Omit<ReturnType<typeof locateInRecipe>, 'source'> => {
  const { source: _s, ...at } = locateInRecipe(recipe, pointer, 'value');
  return at;
};

/** Run the method plugins' `planModel` and `paramGroups` over the catalogue. */
export async function placeModel(recipe: ResolvedRecipe, config: PlanModelConfig['config'], driver: TuneDriver): Promise<{ placement: ModelPlacement; groups: PlanParamGroup[]; diagnostics: Diagnostic[]; notes: string[] }> {
  const catalog = modelCatalog(config);
  const diagnostics: Diagnostic[] = [];
  const notes: string[] = [];
  const ctx: PlanModelContext = { recipe, catalog, layers: modelDims(config).layers, at: (p) => position(recipe, p), report: (d) => diagnostics.push(d), note: (n) => notes.push(n) };
  const placed = ((await driver.hookSequential('planModel', basePlacement(catalog), ctx)) as ModelPlacement | undefined) ?? basePlacement(catalog);
  const placement = finishPlacement(placed);
  const groups = ((await driver.hookSequential('paramGroups', defaultParamGroups(placement, recipe.optimizer.weight_decay), { ...ctx, placement })) as PlanParamGroup[] | undefined) ?? defaultParamGroups(placement, recipe.optimizer.weight_decay);
  return { placement, groups, diagnostics, notes };
}

/**
 * The Plan of a recipe. Problems a run would hit are in `plan.diagnostics` (errors) when the plan can
 * still be computed; a recipe that cannot be planned at all (no config) throws.
 *
 * @example
 * const { recipe, plugins } = await openRecipe('recipes/mpt30b-qlora.yaml', { catalog: builtinPlugins() });
 * process.stdout.write(formatPlan(await planRecipe(recipe, plugins)));
 */
export async function planRecipe(recipe: ResolvedRecipe, plugins: RecipePlugins, inputs: PlanInputs = {}): Promise<Plan> {
  const env = inputs.env ?? process.env;
  const driver = inputs.driver ?? (await recipeDriver(recipe, plugins));
  const cfg = inputs.config ?? (await resolvePlanConfig(recipe, env));
  const engine = inputs.engine ?? plugins.backends.choose(recipe.engine.backend, env);
  const { placement, groups, diagnostics, notes } = await placeModel(recipe, cfg.config, driver);
  const spec = plugins.registry.optimizers.find((o) => o.name === recipe.optimizer.name);
  if (!spec) throw new TuneError({ code: 'TRAIN_OPTIMIZER_UNAVAILABLE', severity: 'error', message: `no plugin registers optimizer \`${recipe.optimizer.name}\``, ...position(recipe, '/optimizer/name') });
  let data: DataSize;
  if (inputs.data === false) data = { trainRows: null, valRows: null, how: 'data size not requested' };
  else if (inputs.data) data = inputs.data;
  else {
    try {
      data = await planDataSize(recipe, plugins.formats, env);
    } catch (e) {
      if (!isTuneError(e)) throw e;
      data = { trainRows: null, valRows: null, how: `the data cannot be prepared (${e.code})`, diagnostics: e.diagnostics };
    }
  }
  return compile(recipe, {
    config: cfg.config,
    configSource: cfg.source,
    unverified: cfg.unverified,
    placement,
    groups,
    optimizerState: (counts) => spec.stateBytes(recipe.optimizer, counts),
    data,
    engine,
    diagnostics,
    notes,
    ...(inputs.machine ? { machine: inputs.machine } : {}),
  });
}
