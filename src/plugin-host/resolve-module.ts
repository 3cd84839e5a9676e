import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve as resolvePath } from 'node:path';

/**
 * Resolve an npm package specifier (`pkg`, `@scope/pkg`, `@scope/pkg/sub/path.js`) from `baseDir` the way
 * Node's ESM resolver would, without needing the experimental parent argument of import.meta.resolve:
 * try CommonJS resolution first, then walk up `node_modules` and read the package's `exports`.
 * Returns an absolute file path, or null when the package is not installed.
 */
export function resolvePackageFile(specifier: string, baseDir: string): string | null {
  try {
    return createRequire(join(baseDir, '__tunekit__.js')).resolve(specifier);
  } catch {
    // ESM-only packages whose exports have no "require" condition land here.
  }
  const parts = specifier.split('/');
  const nameLen = specifier.startsWith('@') ? 2 : 1;
  const name = parts.slice(0, nameLen).join('/');
  const sub = parts.slice(nameLen).join('/');
  for (let dir = resolvePath(baseDir); ; dir = dirname(dir)) {
    const pkgDir = join(dir, 'node_modules', name);
    const pkgJson = join(pkgDir, 'package.json');
    if (existsSync(pkgJson)) {
      if (sub) {
        const direct = join(pkgDir, sub);
        return existsSync(direct) ? direct : null;
      }
      const pkg = JSON.parse(readFileSync(pkgJson, 'utf8')) as { exports?: unknown; module?: string; main?: string };
      const entry = exportEntry(pkg.exports) ?? pkg.module ?? pkg.main ?? 'index.js';
      const file = join(pkgDir, entry);
      return existsSync(file) ? file : null;
    }
    if (dirname(dir) === dir) return null;
  }
}

function exportEntry(exp: unknown): string | undefined {
  if (typeof exp === 'string') return exp;
  if (typeof exp !== 'object' || exp === null) return undefined;
  const rec = exp as Record<string, unknown>;
  const dot = '.' in rec ? rec['.'] : rec;
  if (typeof dot === 'string') return dot;
  if (typeof dot === 'object' && dot !== null) {
    const d = dot as Record<string, unknown>;
    for (const cond of ['import', 'node', 'default']) {
      const v = d[cond];
      const s = exportEntry(v);
      if (s) return s;
    }
  }
  return undefined;
}
