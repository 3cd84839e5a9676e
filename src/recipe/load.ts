import { dirname, resolve } from 'node:path';
import type { ErrorObject } from 'ajv';
import { TuneError, diag, type Diagnostic, type DiagnosticInit } from '../diagnostics/index.js';
import { applySchemaDefaults } from './defaults.js';
import { displayName, loadChain } from './extends.js';
import { locate } from './locate.js';
import { isPlainObject, type Layer } from './merge.js';
import { applyOverrides, parseOverride, type Override } from './overrides.js';
import type { Origins } from './origins.js';
import { resolveRecipe } from './resolve.js';
import type { ResolvedRecipe } from './resolved.js';
import { mapSchemaErrors } from './schema-errors.js';
import { semanticCheck } from './semantic.js';
import { validateRecipeSchema } from './validator.js';

/** Options for loading a recipe. */
export interface LoadRecipeOptions {
  /** Command-line overrides, applied in order after `extends`: `key.path=value` or `~key.path`. */
  overrides?: readonly string[];
  /** Working directory (default `process.cwd()`): file names in diagnostics are relative to it. */
  cwd?: string;
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

interface CheckContext {
  rootFile: string | undefined;
  absFile: string | null;
  files: string[];
  baseDir: string;
  cwd: string;
  overrides: readonly string[];
}

function checkLayer(layer: Layer, ctx: CheckContext): RecipeCheck {
  const diagnostics: Diagnostic[] = [];
  const parsed: Override[] = [];
  for (const text of ctx.overrides) {
    const o = parseOverride(text);
    if ('op' in o) parsed.push(o);
    else diagnostics.push(o);
  }
  diagnostics.push(...applyOverrides(layer, parsed, ctx.cwd));
  if (diagnostics.length) return { diagnostics };

  const errors = validateRecipeSchema(layer.value);
  if (errors.length) {
    const mapped = mapSchemaErrors(errors as ErrorObject[], { doc: layer.value, origins: layer.origins, ...(ctx.rootFile ? { rootFile: ctx.rootFile } : {}) });
    return { diagnostics: mapped.sort(byPosition) };
  }
  const withDefaults = applySchemaDefaults(layer.value);
  const recipe = resolveRecipe(withDefaults, layer.value, {
    origins: layer.origins,
    baseDir: ctx.baseDir,
    cwd: ctx.cwd,
    source: { file: ctx.absFile, files: ctx.files, overrides: [...ctx.overrides] },
  });
  const semantic = semanticCheck(recipe, (pointer, prefer) => locate(layer.origins, pointer, prefer, ctx.rootFile), layer.value).sort(byPosition);
  if (semantic.some((d) => d.severity === 'error')) return { diagnostics: semantic };
  locators.set(recipe, { origins: layer.origins, rootFile: ctx.rootFile });
  return { recipe, diagnostics: semantic };
}

/**
 * Check a recipe file completely — YAML, `extends`, overrides, schema, semantic rules — and return
 * every diagnostic at once, plus the ResolvedRecipe when there is no error. Never throws for bad input.
 */
export function checkRecipeFile(file: string, opts: LoadRecipeOptions = {}): RecipeCheck {
  const cwd = opts.cwd ?? process.cwd();
  const abs = resolve(cwd, file);
  const chain = loadChain(abs, file, cwd);
  if (chain.diagnostics.length || !chain.layer) return { diagnostics: chain.diagnostics };
  return checkLayer(chain.layer, { rootFile: file, absFile: abs, files: chain.files, baseDir: dirname(abs), cwd, overrides: opts.overrides ?? [] });
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
export interface ResolveObjectOptions {
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
  const { recipe, diagnostics } = checkLayer(
    { value: structuredClone(obj), origins: new Map() },
    { rootFile: undefined, absFile: null, files: [], baseDir: opts.baseDir ?? cwd, cwd, overrides: opts.overrides ?? [] },
  );
  if (!recipe) throw new TuneError(diagnostics);
  return recipe;
}

export { displayName };
