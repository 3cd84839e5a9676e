import { isPlainObject } from './merge.js';
import { deref, recipeSchema, type SchemaNode } from './schema.js';

function isNode(v: unknown): v is SchemaNode {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function fill(schemaIn: SchemaNode, value: unknown): unknown {
  const schema = deref(schemaIn);
  if (isPlainObject(value) && isNode(schema['properties'])) {
    for (const [k, subIn] of Object.entries(schema['properties'] as Record<string, unknown>)) {
      if (!isNode(subIn)) continue;
      const sub = deref(subIn);
      if (value[k] === undefined && 'default' in sub) value[k] = structuredClone(sub['default']);
      if (value[k] !== undefined) value[k] = fill(sub, value[k]);
    }
  } else if (Array.isArray(value) && isNode(schema['items'])) {
    const items = schema['items'];
    return value.map((v) => fill(items, v));
  }
  return value;
}

/**
 * A deep copy of a (valid) recipe document with every `default` of the schema filled in, so the
 * defaults live in one place: the schema.
 */
export function applySchemaDefaults(doc: Record<string, unknown>): Record<string, unknown> {
  return fill(recipeSchema(), structuredClone(doc)) as Record<string, unknown>;
}
