/**
 * A recipe with the plugins it runs with. The plugins own recipe keys, so they are found first —
 * the catalogue's first-party ones, then the recipe's own `plugins:` entries (imported, options
 * validated, codes registered) — and the recipe is validated against the schema they make up: the
 * shipped one when only first-party plugins contribute keys, else one built for this recipe. Their
 * semantic checks run with the core's. `tune validate`, `plan`, `run`, `eval` and `preprocess` all
 * open recipes here.
 */
import { dirname } from 'node:path';
import { TuneError, isTuneError, type Diagnostic } from '../diagnostics/index.js';
import type { DatasetFormat } from '../data/format.js';
import type { FormatRegistry } from '../data/prepare.js';
import { BackendRegistry } from '../engine/registry.js';
import { buildRecipeSchema } from '../recipe/build-schema.js';
import { collectContributions, type RecipeRegistry } from '../recipe/contributions.js';
import { applyLayerOverrides, loadRecipeLayer, resolveLayer, type LayerContext, type LoadRecipeOptions, type RecipeCheck } from '../recipe/load.js';
import { locate } from '../recipe/locate.js';
import type { Layer } from '../recipe/merge.js';
import { findOrigin, joinPointer } from '../recipe/origins.js';
import { resolveFrom } from '../recipe/paths.js';
import type { ResolvedRecipe } from '../recipe/resolved.js';
import { type RecipeSchema, compileRecipeSchema, shippedRecipeSchema } from '../recipe/schema.js';
import type { AnyPlugin, PluginCatalog } from './catalog.js';
import type { TuneDriver, TunePluginHooks } from './hooks.js';
import { createDriver } from './index.js';
import { type LoadedPlugin, type PluginRef, type SourcePosition, importPlugins, setupPlugins } from './loader.js';
import type { RunnerSpec } from './runner.js';

/** The plugins of one recipe, imported and checked, not yet set up. */
export interface RecipePlugins {
  /** In hook order: the implicit first-party plugins, then the recipe's `plugins:`. */
  loaded: LoadedPlugin<TunePluginHooks>[];
  /** Every recipe key the plugins contribute (the schema was built from these). */
  registry: RecipeRegistry;
  schema: RecipeSchema;
  /** Dataset formats by name. */
  formats: FormatRegistry;
  backends: BackendRegistry;
  runners: Map<string, RunnerSpec>;
  /** Names of the catalogue's (first-party) plugins. */
  firstParty: ReadonlySet<string>;
}

/** A recipe opened with its plugins. */
export interface OpenRecipe {
  recipe: ResolvedRecipe;
  plugins: RecipePlugins;
}

export interface OpenRecipeOptions extends Pick<LoadRecipeOptions, 'overrides' | 'cwd'> {
  catalog: PluginCatalog;
}

type Obj = Record<string, unknown>;

/** The `plugins:` entries as written (before validation: malformed entries are left to the schema). */
function recipeRefs(layer: Layer, ctx: LayerContext): PluginRef[] {
  const list = layer.value['plugins'];
  if (!Array.isArray(list)) return [];
  const refs: PluginRef[] = [];
  const position = (pointer: string): SourcePosition | undefined => {
    const l = locate(layer.origins, pointer, 'value', ctx.rootFile).init;
    return l.file && l.line !== undefined ? { file: l.file, line: l.line, col: l.col ?? 1, ...(l.source !== undefined ? { source: l.source } : {}) } : undefined;
  };
  list.forEach((entry, i) => {
    const use = typeof entry === 'string' ? entry : entry && typeof entry === 'object' && typeof (entry as Obj)['use'] === 'string' ? ((entry as Obj)['use'] as string) : null;
    if (!use) return;
    const origin = findOrigin(layer.origins, joinPointer(['plugins', i]));
    const baseDir = origin?.origin.kind === 'file' ? origin.origin.dir : ctx.baseDir;
    const isPath = /^(?:\.{1,2}[\\/]|[\\/]|[A-Za-z]:[\\/])/.test(use);
    const optionsPointer = typeof entry === 'string' ? joinPointer(['plugins', i]) : joinPointer(['plugins', i, 'options']);
    const at = position(joinPointer(['plugins', i]));
    refs.push({
      use: isPath ? resolveFrom(baseDir, use) : use,
      baseDir,
      options: typeof entry === 'string' ? {} : ((entry as Obj)['options'] ?? {}),
      ...(at ? { at } : {}),
      locateOption: (ptr) => position(`${optionsPointer}${ptr}`),
    });
  });
  return refs;
}

/** Import the implicit first-party plugins and the recipe's own (all problems at once). */
async function importRecipePlugins(layer: Layer, ctx: LayerContext, catalog: PluginCatalog): Promise<{ loaded: LoadedPlugin<TunePluginHooks>[]; thirdParty: AnyPlugin[] }> {
  const own = recipeRefs(layer, ctx);
  const named = new Set(own.map((r) => r.use));
  const refs: PluginRef[] = [...catalog.implicit.filter((n) => !named.has(n)).map((use) => ({ use, baseDir: ctx.baseDir })), ...own];
  const builtins = new Map(catalog.plugins.map((p) => [p.name, p]));
  const loaded = await importPlugins<TunePluginHooks>(refs, { baseDir: ctx.baseDir, builtins });
  const first = new Set(catalog.plugins.map((p) => p.name));
  return { loaded, thirdParty: loaded.filter((l) => !first.has(l.plugin.name)).map((l) => l.plugin as unknown as AnyPlugin) };
}

/** The registries and schema of a recipe's plugins. */
function recipePlugins(catalog: PluginCatalog, loaded: LoadedPlugin<TunePluginHooks>[], thirdParty: readonly AnyPlugin[]): RecipePlugins {
  const contributors = [...catalog.plugins, ...thirdParty];
  const registry = collectContributions(contributors);
  const ownKeys = thirdParty.some((p) => p.recipe || p.backends?.length);
  const schema = ownKeys ? compileRecipeSchema(buildRecipeSchema(registry)) : shippedRecipeSchema();
  const formats = new Map<string, DatasetFormat>();
  for (const p of contributors) for (const f of p.recipe?.datasetFormats ?? []) formats.set(f.name, f as DatasetFormat);
  const backends = new BackendRegistry(contributors.flatMap((p) => p.backends ?? []));
  const runners = new Map(contributors.flatMap((p) => p.runners ?? []).map((r) => [r.name, r]));
  return { loaded, registry, schema, formats, backends, runners, firstParty: new Set(catalog.plugins.map((p) => p.name)) };
}

/**
 * Check a recipe file with its plugins — YAML, `extends`, overrides, plugins (found, loadable,
 * options valid), schema with every plugin's keys, the core's and the plugins' semantic checks — and
 * return every diagnostic, plus the recipe and its plugins when there is no error. Never throws for
 * bad input.
 */
export async function checkRecipe(file: string, opts: OpenRecipeOptions): Promise<RecipeCheck & { plugins?: RecipePlugins }> {
  const l = loadRecipeLayer(file, opts);
  if (!l.layer) return { diagnostics: l.diagnostics };
  const over = applyLayerOverrides(l.layer, l.ctx);
  if (over.length) return { diagnostics: over };
  return checkLayerWithPlugins(l.layer, l.ctx, opts.catalog);
}

async function checkLayerWithPlugins(layer: Layer, ctx: LayerContext, catalog: PluginCatalog): Promise<RecipeCheck & { plugins?: RecipePlugins }> {
  let imported: Awaited<ReturnType<typeof importRecipePlugins>>;
  try {
    imported = await importRecipePlugins(layer, ctx, catalog);
  } catch (e) {
    if (!isTuneError(e)) throw e;
    return { diagnostics: e.diagnostics };
  }
  let plugins: RecipePlugins;
  try {
    plugins = recipePlugins(catalog, imported.loaded, imported.thirdParty);
  } catch (e) {
    // Two plugins registering one name, or a schema fragment that does not compile.
    const culprit = imported.loaded.find((x) => imported.thirdParty.includes(x.plugin as unknown as AnyPlugin))?.ref.at;
    const d: Diagnostic = { code: 'PLUGIN_LOAD_FAILED', severity: 'error', message: `the recipe's plugins cannot be combined: ${(e as Error).message}`, ...(culprit ?? {}), hint: 'each method, optimizer, format, loss term and backend name may be registered by one plugin' };
    return { diagnostics: [d] };
  }
  const check = resolveLayer(layer, ctx, { schema: plugins.schema, checks: plugins.registry.checks });
  return check.recipe ? { ...check, plugins } : check;
}

/**
 * The plugins a recipe file names, imported and combined — without validating the rest of the
 * recipe (`tune schema --out` writes the schema an unfinished recipe needs).
 */
export async function recipeFilePlugins(file: string, opts: OpenRecipeOptions): Promise<RecipePlugins> {
  const l = loadRecipeLayer(file, opts);
  if (!l.layer) throw new TuneError(l.diagnostics);
  const { loaded, thirdParty } = await importRecipePlugins(l.layer, l.ctx, opts.catalog);
  return recipePlugins(opts.catalog, loaded, thirdParty);
}

/**
 * Open a recipe file with its plugins.
 *
 * @throws TuneError with every error diagnostic of the recipe.
 * @example
 * const { recipe, plugins } = await openRecipe('recipes/tiny/stories-lora.yaml', { catalog: builtinPlugins() });
 */
export async function openRecipe(file: string, opts: OpenRecipeOptions): Promise<OpenRecipe> {
  const r = await checkRecipe(file, opts);
  if (!r.recipe || !r.plugins) throw new TuneError(r.diagnostics);
  return { recipe: r.recipe, plugins: r.plugins };
}

/**
 * Open a recipe built in code (a RecipeInput-shaped object; `extends` is not followed) with its
 * plugins; relative paths resolve against `baseDir`.
 */
export async function openRecipeObject(obj: Obj, opts: Omit<OpenRecipeOptions, 'overrides'> & { baseDir?: string; overrides?: readonly string[] }): Promise<OpenRecipe> {
  const cwd = opts.cwd ?? process.cwd();
  const layer: Layer = { value: structuredClone(obj), origins: new Map() };
  const ctx: LayerContext = { rootFile: undefined, absFile: null, files: [], baseDir: opts.baseDir ?? cwd, cwd, overrides: opts.overrides ?? [] };
  const over = applyLayerOverrides(layer, ctx);
  if (over.length) throw new TuneError(over);
  const r = await checkLayerWithPlugins(layer, ctx, opts.catalog);
  if (!r.recipe || !r.plugins) throw new TuneError(r.diagnostics);
  return { recipe: r.recipe, plugins: r.plugins };
}

/**
 * The plugins of a recipe resolved elsewhere (e.g. `resolveRecipeObject` with the shipped schema):
 * its `plugins:` entries are imported and checked like `openRecipe` does.
 */
export async function pluginsForRecipe(recipe: ResolvedRecipe, catalog: PluginCatalog): Promise<RecipePlugins> {
  const layer: Layer = { value: { plugins: recipe.plugins.map((p) => ({ use: p.path ?? p.use, options: p.options })) }, origins: new Map() };
  const baseDir = recipe.source.file ? dirname(recipe.source.file) : process.cwd();
  const ctx: LayerContext = { rootFile: recipe.source.file ?? undefined, absFile: recipe.source.file, files: recipe.source.files, baseDir, cwd: baseDir, overrides: [] };
  const { loaded, thirdParty } = await importRecipePlugins(layer, ctx, catalog);
  return recipePlugins(catalog, loaded, thirdParty);
}

/** Set the recipe's plugins up (their hooks) into a driver. */
export async function recipeDriver(recipe: ResolvedRecipe, plugins: RecipePlugins): Promise<TuneDriver> {
  return createDriver(await setupPlugins(plugins.loaded, { recipe }));
}
