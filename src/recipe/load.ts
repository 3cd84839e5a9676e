import { dirname, resolve } from 'node:path';
import { TuneError, diag, type Diagnostic, type DiagnosticInit } from '../diagnostics/index.js';
import type { RecipeCheckContext, RecipeKeyCheck } from './contributions.js';
import { applySchemaDefaults } from './defaults.js';
import { displayName, loadChain } from './extends.js';
import { locate } from './locate.js';
import { isPlainObject, type Layer } from './merge.js';
import { applyOverrides, parseOverride, type Override } from './overrides.js';
import { getAt, type Origins } from './origins.js';
import { resolveRecipe } from './resolve.js';
import type { ResolvedRecipe } from './resolved.js';
import { type RecipeSchema, shippedRecipeSchema } from './schema.js';
import { mapSchemaErrors } from './schema-errors.js';
import { semanticCheck } from './semantic.js';

/** Options for loading a recipe. */
export interface LoadRecipeOptions {
  /** Command-line overrides, applied in order after `extends`: `key.path=value` or `~key.path`. */
  overrides?: readonly string[];
  /** Working directory (default `process.cwd()`): file names in diagnostics are relative to it. */
  cwd?: string;
  /** The schema to validate against (default: the shipped one, with the built-in plugins' keys). */
  schema?: RecipeSchema;
  /** Plugins' semantic checks of the keys they own (the plugin host passes them). */
  checks?: readonly { plugin: string; check: RecipeKeyCheck }[];
}

/** The outcome of checking one recipe: the resolved recipe when there is no error, and all diagnostics. */
export interface RecipeCheck {
  recipe?: ResolvedRecipe;
  /** Errors and warnings, in file order. */
  diagnostics: Diagnostic[];
}

const locators = new WeakMap<ResolvedRecipe, { origins: Origins; rootFile: string | undefined }>();

/**
 * Where a value of a loaded recipe was written (file, line, col, code-frame source), for diagnostics
 * raised after loading — e.g. a plugin's options errors (`recipe.plugins[i].pointer`).
 */
export function locateInRecipe(recipe: ResolvedRecipe, pointer: string, prefer: 'key' | 'value' = 'key'): DiagnosticInit {
  const l = locators.get(recipe);
  return l ? locate(l.origins, pointer, prefer, l.rootFile).init : { path: pointer };
}

function byPosition(a: Diagnostic, b: Diagnostic): number {
  if ((a.file ?? '') !== (b.file ?? '')) return 0;
  return (a.line ?? 0) - (b.line ?? 0) || (a.col ?? 0) - (b.col ?? 0);
}

/** Where a recipe came from, for resolution and diagnostics. */
export interface LayerContext {
  rootFile: string | undefined;
  absFile: string | null;
  files: string[];
  baseDir: string;
  cwd: string;
  overrides: readonly string[];
}

/** A recipe file with its `extends` chain merged, before overrides and validation. */
export interface LoadedLayer {
  layer?: Layer;
  ctx: LayerContext;
  diagnostics: Diagnostic[];
}

/** Read a recipe file and merge its `extends` chain (YAML and `extends` diagnostics only). */
export function loadRecipeLayer(file: string, opts: Pick<LoadRecipeOptions, 'cwd' | 'overrides'> = {}): LoadedLayer {
  const cwd = opts.cwd ?? process.cwd();
  const abs = resolve(cwd, file);
  const chain = loadChain(abs, file, cwd);
  const ctx: LayerContext = { rootFile: file, absFile: abs, files: chain.files, baseDir: dirname(abs), cwd, overrides: opts.overrides ?? [] };
  return chain.diagnostics.length || !chain.layer ? { ctx, diagnostics: chain.diagnostics } : { layer: chain.layer, ctx, diagnostics: [] };
}

/** Apply the command-line overrides to a layer in place; their diagnostics (bad syntax, missing keys). */
export function applyLayerOverrides(layer: Layer, ctx: LayerContext): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const parsed: Override[] = [];
  for (const text of ctx.overrides) {
    const o = parseOverride(text);
    if ('op' in o) parsed.push(o);
    else diagnostics.push(o);
  }
  diagnostics.push(...applyOverrides(layer, parsed, ctx.cwd));
  return diagnostics;
}

/**
 * Validate a layer (overrides already applied) against a schema, fill defaults, resolve, and run the
 * semantic checks: the core's and the plugins'. Never throws for bad input.
 */
export function resolveLayer(layer: Layer, ctx: LayerContext, opts: Pick<LoadRecipeOptions, 'schema' | 'checks'> = {}): RecipeCheck {
  const schema = opts.schema ?? shippedRecipeSchema();
  const errors = schema.validate(layer.value);
  if (errors.length) {
    const mapped = mapSchemaErrors(errors, { doc: layer.value, schema, origins: layer.origins, ...(ctx.rootFile ? { rootFile: ctx.rootFile } : {}) });
    return { diagnostics: mapped.sort(byPosition) };
  }
  const withDefaults = applySchemaDefaults(layer.value, schema);
  const recipe = resolveRecipe(withDefaults, layer.value, {
    origins: layer.origins,
    baseDir: ctx.baseDir,
    cwd: ctx.cwd,
    source: { file: ctx.absFile, files: ctx.files, overrides: [...ctx.overrides] },
    schema,
  });
  const at = (pointer: string, prefer: 'key' | 'value') => locate(layer.origins, pointer, prefer, ctx.rootFile);
  const core = semanticCheck(recipe, at, layer.value);
  const checkCtx: RecipeCheckContext = {
    at,
    written: (pointer) => getAt(layer.value, pointer),
    report(d, pointer, prefer = 'value') {
      const loc = at(pointer, prefer);
      return { ...d, ...loc.init, message: loc.note ? `${d.message} (${loc.note})` : d.message };
    },
    ...core.context,
  };
  const semantic = [...core.diagnostics, ...(opts.checks ?? []).flatMap((c) => c.check(recipe, checkCtx))].sort(byPosition);
  if (semantic.some((d) => d.severity === 'error')) return { diagnostics: semantic };
  locators.set(recipe, { origins: layer.origins, rootFile: ctx.rootFile });
  return { recipe, diagnostics: semantic };
}

/**
 * Check a recipe file completely — YAML, `extends`, overrides, schema, semantic rules — and return
 * every diagnostic at once, plus the ResolvedRecipe when there is no error. Never throws for bad input.
 * Plugin keys beyond the built-in ones and plugins' checks need the plugin host (`checkRecipe` there).
 */
export function checkRecipeFile(file: string, opts: LoadRecipeOptions = {}): RecipeCheck {
  const loaded = loadRecipeLayer(file, opts);
  if (!loaded.layer) return { diagnostics: loaded.diagnostics };
  const over = applyLayerOverrides(loaded.layer, loaded.ctx);
  if (over.length) return { diagnostics: over };
  return resolveLayer(loaded.layer, loaded.ctx, opts);
}

/**
 * Load a recipe file into a ResolvedRecipe: extends merged, overrides applied, validated, defaults
 * filled, paths absolute.
 *
 * @throws TuneError carrying every error diagnostic of the file (never a raw Error for bad input).
 * @example
 * const recipe = await loadRecipe('recipes/smollm2-135m-lora.yaml', { overrides: ['optimizer.lr=1e-4'] });
 */
export async function loadRecipe(file: string, opts: LoadRecipeOptions = {}): Promise<ResolvedRecipe> {
  const { recipe, diagnostics } = checkRecipeFile(file, opts);
  if (!recipe) throw new TuneError(diagnostics);
  return recipe;
}

/** All diagnostics (errors and warnings) of a recipe file; empty when it is valid and clean. */
export async function validateRecipeFile(file: string, opts: LoadRecipeOptions = {}): Promise<Diagnostic[]> {
  return checkRecipeFile(file, opts).diagnostics;
}

/** Options for recipes built in code. */
export interface ResolveObjectOptions extends Pick<LoadRecipeOptions, 'schema' | 'checks'> {
  /** Folder relative paths in the object are resolved against (default: cwd). */
  baseDir?: string;
  cwd?: string;
  overrides?: readonly string[];
}

/**
 * Validate and resolve a recipe built in code (a RecipeInput-shaped object; `extends` is not
 * followed). Diagnostics carry the JSON pointer (`path`) of each problem instead of a line.
 *
 * @throws TuneError with every error diagnostic.
 * @example
 * const recipe = resolveRecipeObject({ recipe_version: 1, model: { base: 'models/stories260k' }, … }, { baseDir: process.cwd() });
 */
export function resolveRecipeObject(obj: unknown, opts: ResolveObjectOptions = {}): ResolvedRecipe {
  const cwd = opts.cwd ?? process.cwd();
  if (!isPlainObject(obj)) throw new TuneError(diag('RECIPE_NOT_A_MAPPING', 'a recipe must be an object of keys', { found: Array.isArray(obj) ? 'a list' : typeof obj }));
  if ('extends' in obj) {
    throw new TuneError(diag('RECIPE_NOT_ALLOWED', '`extends` is only followed in recipe files', { path: '/extends', hint: 'merge the base into the object before calling resolveRecipeObject' }));
  }
  const layer: Layer = { value: structuredClone(obj), origins: new Map() };
  const ctx: LayerContext = { rootFile: undefined, absFile: null, files: [], baseDir: opts.baseDir ?? cwd, cwd, overrides: opts.overrides ?? [] };
  const over = applyLayerOverrides(layer, ctx);
  if (over.length) throw new TuneError(over);
  const { recipe, diagnostics } = resolveLayer(layer, ctx, opts);
  if (!recipe) throw new TuneError(diagnostics);
  return recipe;
}

export { displayName };
