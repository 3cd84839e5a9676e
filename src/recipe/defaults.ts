import type { VariantsAnnotation } from './build-schema.js';
import { isPlainObject } from './merge.js';
import type { RecipeSchema, SchemaNode } from './schema.js';

function isNode(v: unknown): v is SchemaNode {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * A variant block (`x-variants`): keep the discriminator, the core keys and the keys the selected
 * variant takes; fill the variant's own defaults of keys the recipe did not write.
 */
function applyVariant(value: Record<string, unknown>, raw: unknown, x: VariantsAnnotation): void {
  const chosen = value[x.by];
  if (typeof chosen !== 'string') return;
  const takes = new Set(x.keys[chosen] ?? []);
  for (const keys of Object.values(x.keys)) for (const k of keys) if (!takes.has(k)) delete value[k];
  const own = x.defaults?.[chosen] ?? {};
  const written = isPlainObject(raw) ? raw : {};
  for (const [k, v] of Object.entries(own)) if (takes.has(k) && written[k] === undefined) value[k] = structuredClone(v);
}

function fill(schema: RecipeSchema, schemaIn: SchemaNode, value: unknown, raw: unknown): unknown {
  const node = schema.deref(schemaIn);
  if (isPlainObject(value) && isNode(node['properties'])) {
    const props = node['properties'] as Record<string, unknown>;
    for (const [k, subIn] of Object.entries(props)) {
      if (!isNode(subIn)) continue;
      const sub = schema.deref(subIn);
      if (value[k] === undefined && 'default' in sub) value[k] = structuredClone(sub['default']);
    }
    const x = node['x-variants'];
    if (isNode(x)) applyVariant(value, raw, x as unknown as VariantsAnnotation);
    const rawObj = isPlainObject(raw) ? raw : {};
    for (const [k, subIn] of Object.entries(props)) {
      if (isNode(subIn) && value[k] !== undefined) value[k] = fill(schema, subIn, value[k], rawObj[k]);
    }
  } else if (Array.isArray(value) && isNode(node['items'])) {
    const items = node['items'];
    return value.map((v, i) => fill(schema, items, v, Array.isArray(raw) ? raw[i] : undefined));
  }
  return value;
}

/**
 * A deep copy of a (valid) recipe document with every `default` of the schema filled in — the
 * defaults live in one place, the schema — and each variant block (method, optimizer, dataset,
 * regularization) cut to the keys its kind takes, with the kind's own defaults.
 */
export function applySchemaDefaults(doc: Record<string, unknown>, schema: RecipeSchema): Record<string, unknown> {
  return fill(schema, schema.json, structuredClone(doc), doc) as Record<string, unknown>;
}
