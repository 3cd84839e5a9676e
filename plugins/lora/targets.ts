/**
 * PEFT's target-module rules (peft 0.12 `check_target_module_exists`, `_maybe_include_all_linear_layers`):
 * - a list entry matches a module whose full path equals it or ends with `.` + entry;
 * - a string is a regular expression that must match the WHOLE path (Python `re.fullmatch`);
 * - `all-linear` means every linear layer except the output head, expressed as the set of their
 *   last path components.
 */
export type TargetSpec = string | readonly string[];

/**
 * PEFT's default `target_modules` by model type (peft 0.12
 * `TRANSFORMERS_MODELS_TO_LORA_TARGET_MODULES_MAPPING`), used when a recipe leaves it null.
 */
export const PEFT_DEFAULT_TARGETS: Readonly<Record<string, readonly string[]>> = {
  llama: ['q_proj', 'v_proj'],
  mistral: ['q_proj', 'v_proj'],
  qwen2: ['q_proj', 'v_proj'],
  gpt2: ['c_attn'],
  mpt: ['Wqkv'],
  bloom: ['query_key_value'],
};

/** PEFT's default targets for a model type (empty when PEFT has none). */
export function defaultTargets(modelType: string): readonly string[] {
  return Object.hasOwn(PEFT_DEFAULT_TARGETS, modelType) ? (PEFT_DEFAULT_TARGETS[modelType] ?? []) : [];
}

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
