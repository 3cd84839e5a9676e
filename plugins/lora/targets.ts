/**
 * PEFT's target-module rules (peft 0.12 `check_target_module_exists`, `_maybe_include_all_linear_layers`):
 * - a list entry matches a module whose full path equals it or ends with `.` + entry;
 * - a string is a regular expression that must match the WHOLE path (Python `re.fullmatch`);
 * - `all-linear` means every linear layer except the output head, expressed as the set of their
 *   last path components.
 */
export type TargetSpec = string | readonly string[];

export interface TargetModule {
  path: string;
  kind: string;
}

/** Python `re.fullmatch` for the regex subset both engines share. */
export function fullMatch(pattern: string, s: string): boolean {
  return new RegExp(`^(?:${pattern})$`, 'u').test(s);
}

/** Expand `all-linear` to PEFT's suffix list: last components of every linear, minus the head. */
export function expandAllLinear(modules: readonly TargetModule[]): string[] {
  const names = new Set<string>();
  for (const m of modules) if (m.kind === 'linear') names.add(m.path.split('.').pop() as string);
  for (const m of modules) if (m.kind === 'lm_head') names.delete(m.path.split('.').pop() as string);
  return [...names].sort();
}

/** Does `path` match the target spec (after `all-linear` expansion)? */
export function matchesTarget(spec: TargetSpec, path: string): boolean {
  if (typeof spec === 'string') return fullMatch(spec, path);
  return spec.some((t) => path === t || path.endsWith(`.${t}`));
}

/**
 * The module paths a spec selects, in model order, with PEFT's `exclude_modules` semantics
 * (same matching rules as targets).
 */
export function selectTargets(modules: readonly TargetModule[], spec: TargetSpec, exclude: TargetSpec = []): string[] {
  const resolved = spec === 'all-linear' ? expandAllLinear(modules) : spec;
  const isExcluded = (p: string): boolean => (typeof exclude === 'string' ? fullMatch(exclude, p) : exclude.length > 0 && matchesTarget(exclude, p));
  return modules.filter((m) => matchesTarget(resolved, m.path) && !isExcluded(m.path)).map((m) => m.path);
}
