/**
 * fnmatch-style patterns (as huggingface_hub's `allow_patterns`): `*` and `?` also match `/`.
 */

/** Compile an fnmatch pattern to an anchored RegExp. */
export function globToRegExp(pattern: string): RegExp {
  let re = '';
  for (const c of pattern) {
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** True when `path` matches any pattern (no patterns: everything matches). */
export function matchesAny(path: string, patterns: readonly string[] | undefined): boolean {
  if (!patterns || patterns.length === 0) return true;
  return patterns.some((p) => globToRegExp(p).test(path));
}
