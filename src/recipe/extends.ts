import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { diag, type Diagnostic } from '../diagnostics/index.js';
import { locate } from './locate.js';
import { isPlainObject, mergeLayers, type Layer } from './merge.js';
import { dropOrigins, joinPointer, type Origins } from './origins.js';
import { parseRecipeText } from './yaml-load.js';

/** A recipe file with its `extends` chain merged in. */
export interface LoadedChain {
  layer?: Layer;
  /** Absolute paths of every file read, bases first. */
  files: string[];
  diagnostics: Diagnostic[];
}

const EXPLICIT_PATH = /^(?:\.{1,2}[\\/]|[\\/]|[A-Za-z]:[\\/])/;

/** How diagnostics name a file: relative to the working directory when inside it. */
export function displayName(abs: string, cwd: string): string {
  const rel = relative(cwd, abs);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : abs;
}

/**
 * Find an `extends` target: a path relative to the extending file, or a file inside an installed npm
 * package (`@team/recipes/base.yaml`), resolved from the extending file's folder as Node would.
 */
export function resolveExtendsTarget(spec: string, dir: string): string | undefined {
  const local = resolve(dir, spec);
  if (EXPLICIT_PATH.test(spec) || existsSync(local)) return local;
  const req = createRequire(join(dir, '__tunekit_extends__.js'));
  try {
    return req.resolve(spec);
  } catch {
    // Packages with an `exports` map hide their files from require.resolve: look in the
    // node_modules folders Node would search, from the recipe's folder upwards.
    const parts = spec.split('/');
    const nameLen = spec.startsWith('@') ? 2 : 1;
    const pkg = parts.slice(0, nameLen).join('/');
    const rest = parts.slice(nameLen).join('/');
    for (let d = dir; ; d = dirname(d)) {
      const candidate = join(d, 'node_modules', pkg, rest);
      if (rest && existsSync(candidate)) return candidate;
      if (dirname(d) === d) return undefined;
    }
  }
}

function withoutExtends(value: Record<string, unknown>, origins: Origins): Layer {
  const { extends: _ext, ...rest } = value;
  const o = new Map(origins);
  dropOrigins(o, '/extends');
  return { value: rest, origins: o };
}

/**
 * Read a recipe file and, recursively, the recipes it extends (cycle-checked), merging them with
 * the documented rule (see mergeLayers).
 */
export function loadChain(abs: string, display: string, cwd: string, stack: readonly string[] = []): LoadedChain {
  let text: string;
  try {
    if (statSync(abs).isDirectory()) {
      return { files: [], diagnostics: [diag('RECIPE_FILE_NOT_FOUND', `\`${display}\` is a folder, not a recipe file`, { file: display })] };
    }
    text = readFileSync(abs, 'utf8');
  } catch {
    return { files: [], diagnostics: [diag('RECIPE_FILE_NOT_FOUND', `recipe file \`${display}\` does not exist`, { file: display })] };
  }
  const dir = dirname(abs);
  const parsed = parseRecipeText(text, display, dir);
  if (parsed.diagnostics.length || !isPlainObject(parsed.value)) return { files: [abs], diagnostics: parsed.diagnostics };
  const value = parsed.value;
  const diagnostics: Diagnostic[] = [];
  const files: string[] = [];

  const ext = value['extends'];
  const entries: [string, string][] = [];
  if (typeof ext === 'string' && ext !== '') entries.push([ext, '/extends']);
  else if (Array.isArray(ext) && ext.length > 0 && ext.every((e) => typeof e === 'string' && e !== '')) ext.forEach((e, i) => entries.push([e as string, joinPointer(['extends', i])]));
  else if (ext !== undefined) {
    const loc = locate(parsed.origins, '/extends', 'value');
    diagnostics.push(diag('RECIPE_TYPE', '`extends` must be a path or a non-empty list of paths', { ...loc.init, found: JSON.stringify(ext) ?? String(ext) }));
  }

  let acc: Layer | undefined;
  for (const [spec, ptr] of entries) {
    const loc = locate(parsed.origins, ptr, 'value');
    const target = resolveExtendsTarget(spec, dir);
    if (!target || !existsSync(target)) {
      diagnostics.push(
        diag('RECIPE_EXTENDS_NOT_FOUND', `cannot find the recipe \`${spec}\` this file extends`, {
          ...loc.init,
          hint: EXPLICIT_PATH.test(spec) ? `the path is relative to ${display}` : 'give a path relative to this file (`./base.yaml`) or a file inside an installed package (`@team/recipes/base.yaml`)',
        }),
      );
      continue;
    }
    if (target === abs || stack.includes(target)) {
      const chain = [...stack, abs, target].slice(stack.indexOf(target) >= 0 ? stack.indexOf(target) : stack.length);
      diagnostics.push(
        diag('RECIPE_EXTENDS_CYCLE', `\`extends\` cycle: ${chain.map((f) => displayName(f, cwd)).join(' → ')}`, {
          ...loc.init,
          hint: 'a recipe cannot extend itself, directly or through other recipes',
        }),
      );
      continue;
    }
    const sub = loadChain(target, displayName(target, cwd), cwd, [...stack, abs]);
    diagnostics.push(...sub.diagnostics);
    for (const f of sub.files) if (!files.includes(f)) files.push(f);
    if (sub.layer) acc = acc ? mergeLayers(acc, sub.layer) : sub.layer;
  }
  files.push(abs);
  if (diagnostics.length) return { files, diagnostics };
  const own = withoutExtends(value, parsed.origins);
  return { layer: acc ? mergeLayers(acc, own) : own, files, diagnostics };
}
