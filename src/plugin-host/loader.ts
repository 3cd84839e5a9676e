import { existsSync } from 'node:fs';
import { extname, isAbsolute, resolve as resolvePath } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Ajv, type ErrorObject } from 'ajv';
import { TuneError, diag, isTuneError, type Diagnostic } from '../diagnostics/index.js';
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
  options?: unknown;
  /** Position of the entry, for load errors. */
  at?: SourcePosition;
  /** Locates a JSON pointer inside the options (e.g. `/every`), for option errors. */
  locateOption?: (pointer: string) => SourcePosition | undefined;
}

export interface LoadPluginsOptions<H extends HookTable<H>> {
  /** Folder the recipe lives in: relative paths and packages resolve from here. */
  baseDir: string;
  /** First-party plugins by name. */
  builtins: ReadonlyMap<string, Plugin<never, H>>;
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
async function importPlugin<H extends HookTable<H>>(ref: PluginRef, opts: LoadPluginsOptions<H>): Promise<Plugin<unknown, H>> {
  const builtin = opts.builtins.get(ref.use);
  if (builtin) return builtin as unknown as Plugin<unknown, H>;
  let file: string | null;
  if (isPathSpec(ref.use)) {
    file = resolvePath(opts.baseDir, ref.use);
    if (!existsSync(file)) file = null;
  } else {
    file = resolvePackageFile(ref.use, opts.baseDir);
  }
  if (!file) {
    throw new TuneError(
      diag('PLUGIN_NOT_FOUND', `plugin \`${ref.use}\` was not found`, {
        ...at(ref),
        expected: `one of the built-in plugins (${[...opts.builtins.keys()].sort().join(', ')}), a file path starting with ./ or ../, or an installed npm package`,
        hint: isPathSpec(ref.use) ? `no file at ${resolvePath(opts.baseDir, ref.use)}` : `install it with \`npm install ${ref.use}\` next to the recipe`,
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
 * Load the plugins a recipe names, in order: import, validate options against each plugin's own
 * schema (applying its defaults), run `setup`. A plugin that fails to load is a hard error.
 */
export async function loadPlugins<H extends HookTable<H>>(refs: readonly PluginRef[], opts: LoadPluginsOptions<H>): Promise<DriverPlugin<H>[]> {
  const out: DriverPlugin<H>[] = [];
  const seen = new Set<string>();
  const problems: Diagnostic[] = [];
  for (const ref of refs) {
    const plugin = await importPlugin(ref, opts);
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
      const hooks = await plugin.setup(options as never, { baseDir: opts.baseDir });
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

