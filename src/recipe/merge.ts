import { dropOrigins, joinPointer, splitPointer, type Origins } from './origins.js';

/** A recipe document with the origin of each value. */
export interface Layer {
  value: Record<string, unknown>;
  origins: Origins;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Assign an own property even for keys like `__proto__` (a recipe is data, never a prototype). */
export function setOwn(o: Record<string, unknown>, k: string, v: unknown): void {
  Object.defineProperty(o, k, { value: v, writable: true, enumerable: true, configurable: true });
}

function copyOrigins(from: Origins, to: Origins, pointer: string): void {
  for (const [k, o] of from) if (k === pointer || k.startsWith(`${pointer}/`)) to.set(k, o);
}

/**
 * Merge `over` onto `base` (the `extends` rule): mappings merge key by key, recursively; lists and
 * scalars replace the inherited value; `null` deletes the inherited key so its default applies.
 * Neither input is modified.
 */
export function mergeLayers(base: Layer, over: Layer): Layer {
  const origins: Origins = new Map(base.origins);
  const merge = (target: Record<string, unknown>, src: Record<string, unknown>, path: string[]): Record<string, unknown> => {
    const out: Record<string, unknown> = { ...target };
    for (const [k, v] of Object.entries(src)) {
      const p = [...path, k];
      const ptr = joinPointer(p);
      if (v === null) {
        delete out[k];
        dropOrigins(origins, ptr);
        continue;
      }
      const cur = Object.hasOwn(out, k) ? out[k] : undefined;
      if (isPlainObject(v) && isPlainObject(cur)) {
        setOwn(out, k, merge(cur, v, p));
        const o = over.origins.get(ptr);
        if (o) origins.set(ptr, o);
      } else {
        setOwn(out, k, structuredClone(v));
        dropOrigins(origins, ptr);
        copyOrigins(over.origins, origins, ptr);
      }
    }
    return out;
  };
  return { value: merge(base.value, over.value, []), origins };
}

/** Path segments of a pointer, re-exported for callers that build pointers from overrides. */
export { splitPointer };
