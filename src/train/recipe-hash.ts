import { createHash } from 'node:crypto';

/** JSON with sorted keys, so equal values hash equally whatever their key order. */
export function stableStringify(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableStringify).join(',')}]`;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableStringify(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

export function hashValue(v: unknown): string {
  return createHash('sha256').update(stableStringify(v)).digest('hex');
}

/**
 * Compare the resume-relevant recipe fields of a checkpoint with the current ones; returns one
 * line per changed dotted path (`method.lora.r: 8 → 16`).
 */
export function diffFields(before: Record<string, unknown>, after: Record<string, unknown>, prefix = ''): string[] {
  const out: string[] = [];
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  for (const k of [...keys].sort()) {
    const a = before[k];
    const b = after[k];
    const path = prefix ? `${prefix}.${k}` : k;
    const isObj = (x: unknown): x is Record<string, unknown> => !!x && typeof x === 'object' && !Array.isArray(x);
    if (isObj(a) && isObj(b)) out.push(...diffFields(a, b, path));
    else if (stableStringify(a) !== stableStringify(b)) out.push(`${path}: ${stableStringify(a ?? null)} → ${stableStringify(b ?? null)}`);
  }
  return out;
}
