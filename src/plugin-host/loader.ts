import { existsSync } from 'node:fs';
import { dirname, extname, isAbsolute, resolve as resolvePath } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Ajv, type ErrorObject } from 'ajv';
import { TuneError, diag, isTuneError, registerPluginCodes, type Diagnostic } from '../diagnostics/index.js';
import type { ResolvedRecipe } from '../recipe/resolved.js';
import type { HookTable, DriverPlugin } from './driver.js';
import { isPlugin, type Plugin } from './define.js';
import { resolvePackageFile } from './resolve-module.js';

/** Where something is in a recipe file. */
export interface SourcePosition {
  file: string;
  line: number;
  col: number;
  source?: string;
}

/** One `plugins:` entry of a resolved recipe. */
export interface PluginRef {
  /** A built-in plugin name, a path (`./x.ts`, `../x.js`, absolute) or an npm package specifier. */
  use: string;
  /** Folder of the recipe file that named it: its relative path and npm package resolve from here. */
  baseDir?: string;
  options?: unknown;
  /** Position of the entry, for load errors. */
  at?: SourcePosition;
  /** Locates a JSON pointer inside the options (e.g. `/every`), for option errors. */
  locateOption?: (pointer: string) => SourcePosition | undefined;
}

export interface ImportPluginsOptions<H extends HookTable<H>> {
  /** Folder the recipe lives in: relative paths and packages resolve from here. */
  baseDir: string;
  /** First-party plugins by name. */
  builtins: ReadonlyMap<string, Plugin<never, H>>;
}

export interface LoadPluginsOptions<H extends HookTable<H>> extends ImportPluginsOptions<H> {
  /** The recipe the plugins run with (their `setup` sees it). */
  recipe: ResolvedRecipe;
}

/** An imported plugin with its validated options (defaults applied), not yet set up. */
export interface LoadedPlugin<H extends HookTable<H>> {
  plugin: Plugin<unknown, H>;
  options: unknown;
  ref: PluginRef;
}

const isPathSpec = (s: string): boolean => s.startsWith('./') || s.startsWith('../') || isAbsolute(s);

function at(ref: PluginRef): Partial<Diagnostic> {
  return ref.at ? { file: ref.at.file, line: ref.at.line, col: ref.at.col, ...(ref.at.source !== undefined ? { source: ref.at.source } : {}) } : {};
}

let tsLoaderRegistered = false;
/** TypeScript plugin files need a loader when tunekit runs from compiled JS. */
async function ensureTsLoader(): Promise<void> {
  if (tsLoaderRegistered) return;
  tsLoaderRegistered = true;
  const { register } = (await import('tsx/esm/api')) as { register: () => unknown };
  register();
}

/** Import the module a ref names and return its plugin export. Throws TuneError on any failure. */
export async function importPlugin<H extends HookTable<H>>(ref: PluginRef, opts: ImportPluginsOptions<H>): Promise<Plugin<unknown, H>> {
  const builtin = opts.builtins.get(ref.use);
  if (builtin) return builtin as unknown as Plugin<unknown, H>;
  const baseDir = ref.baseDir ?? opts.baseDir;
  let file: string | null;
  if (isPathSpec(ref.use)) {
    file = resolvePath(baseDir, ref.use);
    if (!existsSync(file)) file = null;
  } else {
    file = resolvePackageFile(ref.use, baseDir);
  }
  if (!file) {
    throw new TuneError(
      diag('PLUGIN_NOT_FOUND', `plugin \`${ref.use}\` was not found`, {
        ...at(ref),
        expected: `one of the built-in plugins (${[...opts.builtins.keys()].sort().join(', ')}), a file path starting with ./ or ../, or an installed npm package`,
        hint: isPathSpec(ref.use) ? `no file at ${resolvePath(baseDir, ref.use)}` : `install it with \`npm install ${ref.use}\` next to the recipe`,
      }),
    );
  }
  let mod: Record<string, unknown>;
  try {
    if (['.ts', '.mts', '.cts'].includes(extname(file))) await ensureTsLoader();
    mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (e) {
    const msg = e instanceof Error ? e.message.split('\n')[0] : String(e);
    throw new TuneError(diag('PLUGIN_LOAD_FAILED', `plugin \`${ref.use}\` failed to load: ${msg}`, { ...at(ref), hint: `fix the error in ${file}` }));
  }
  const candidate = mod['default'] ?? mod['plugin'];
  if (!isPlugin(candidate)) {
    throw new TuneError(
      diag('PLUGIN_LOAD_FAILED', `\`${ref.use}\` does not export a plugin`, {
        ...at(ref),
        expected: 'a default export created with definePlugin() from tunekit',
        found: candidate === undefined ? 'no default export' : typeof candidate,
        hint: "write `export default definePlugin({ name, version, setup })` (import { definePlugin } from 'tunekit')",
      }),
    );
  }
  return candidate as Plugin<unknown, H>;
}

function optionDiagnostics(ref: PluginRef, name: string, errors: ErrorObject[]): Diagnostic[] {
  return errors.map((e) => {
    const pointer = e.keyword === 'additionalProperties' ? `${e.instancePath}/${String((e.params as { additionalProperty: string }).additionalProperty)}` : e.instancePath;
    const pos = ref.locateOption?.(pointer) ?? ref.locateOption?.(e.instancePath) ?? ref.at;
    const what = e.keyword === 'additionalProperties' ? `unknown option \`${String((e.params as { additionalProperty: string }).additionalProperty)}\`` : `option \`${e.instancePath || '/'}\` ${e.message ?? 'is invalid'}`;
    return diag('PLUGIN_INVALID_OPTIONS', `plugin \`${name}\`: ${what}`, {
      ...(pos ? { file: pos.file, line: pos.line, col: pos.col, ...(pos.source !== undefined ? { source: pos.source } : {}) } : {}),
      path: pointer,
      hint: 'see the plugin’s README for its options',
    });
  });
}

/**
 * Import the plugins a recipe names, in order, and validate each one's options against its own
 * schema (applying its defaults); register their diagnostic codes. A plugin that fails to load is a
 * hard error; every problem is reported at once.
 */
export async function importPlugins<H extends HookTable<H>>(refs: readonly PluginRef[], opts: ImportPluginsOptions<H>): Promise<LoadedPlugin<H>[]> {
  const out: LoadedPlugin<H>[] = [];
  const seen = new Set<string>();
  const problems: Diagnostic[] = [];
  for (const ref of refs) {
    let plugin: Plugin<unknown, H>;
    try {
      plugin = await importPlugin(ref, opts);
    } catch (e) {
      if (!isTuneError(e)) throw e;
      problems.push(...e.diagnostics);
      continue;
    }
    if (seen.has(plugin.name)) {
      problems.push(diag('PLUGIN_DUPLICATE', `plugin \`${plugin.name}\` is listed twice`, { ...at(ref), hint: 'remove one of the entries' }));
      continue;
    }
    seen.add(plugin.name);
    let options: unknown = structuredClone(ref.options ?? {});
    if (plugin.options) {
      const ajv = new Ajv({ allErrors: true, useDefaults: true, strict: false });
      const validate = ajv.compile(plugin.options);
      if (!validate(options)) {
        problems.push(...optionDiagnostics(ref, plugin.name, validate.errors ?? []));
        continue;
      }
    }
    try {
      if (plugin.codes) registerPluginCodes(plugin.name, plugin.codes);
    } catch (e) {
      problems.push(diag('PLUGIN_LOAD_FAILED', `plugin \`${plugin.name}\`: ${(e as Error).message}`, at(ref)));
      continue;
    }
    out.push({ plugin, options, ref });
  }
  if (problems.length) throw new TuneError(problems);
  return out;
}

/** Run each imported plugin's `setup` with the recipe; the hook tables, in order. */
export async function setupPlugins<H extends HookTable<H>>(loaded: readonly LoadedPlugin<H>[], ctx: { recipe: ResolvedRecipe; baseDir?: string }): Promise<DriverPlugin<H>[]> {
  const out: DriverPlugin<H>[] = [];
  const problems: Diagnostic[] = [];
  const fallback = ctx.baseDir ?? (ctx.recipe.source.file ? dirname(ctx.recipe.source.file) : process.cwd());
  for (const { plugin, options, ref } of loaded) {
    try {
      const hooks = plugin.setup ? await plugin.setup(options as never, { baseDir: ref.baseDir ?? fallback, recipe: ctx.recipe }) : {};
      out.push({ name: plugin.name, hooks });
    } catch (e) {
      if (isTuneError(e)) throw e;
      const msg = e instanceof Error ? e.message : String(e);
      problems.push(diag('PLUGIN_LOAD_FAILED', `plugin \`${plugin.name}\` failed in setup: ${msg}`, at(ref)));
    }
  }
  if (problems.length) throw new TuneError(problems);
  return out;
}

/** Import, validate and set up the plugins a recipe names (see {@link importPlugins}). */
export async function loadPlugins<H extends HookTable<H>>(refs: readonly PluginRef[], opts: LoadPluginsOptions<H>): Promise<DriverPlugin<H>[]> {
  return setupPlugins(await importPlugins(refs, opts), { baseDir: opts.baseDir, recipe: opts.recipe });
}
