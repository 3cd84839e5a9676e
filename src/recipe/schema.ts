import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { splitPointer } from './origins.js';

/** A JSON Schema node as stored in schema/recipe.schema.json (loosely typed on purpose). */
export type SchemaNode = { [key: string]: unknown };

let cachedPath: string | undefined;
let cached: SchemaNode | undefined;

/**
 * Absolute path of `schema/recipe.schema.json` — the single source of truth for the recipe format.
 * Works from the TypeScript sources (`src/recipe/`) and from the build (`dist/src/recipe/`).
 */
export function recipeSchemaPath(): string {
  if (cachedPath) return cachedPath;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = join(dir, 'schema', 'recipe.schema.json');
    if (existsSync(candidate)) return (cachedPath = candidate);
    dir = dirname(dir);
  }
  throw new Error('schema/recipe.schema.json not found next to the tunekit package');
}

/** The recipe JSON Schema (parsed once). */
export function recipeSchema(): SchemaNode {
  cached ??= JSON.parse(readFileSync(recipeSchemaPath(), 'utf8')) as SchemaNode;
  return cached;
}

function isNode(v: unknown): v is SchemaNode {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Follow a local `$ref` (`#/$defs/x`). */
export function deref(node: SchemaNode): SchemaNode {
  const ref = node['$ref'];
  if (typeof ref !== 'string' || !ref.startsWith('#')) return node;
  const target = schemaAtSchemaPath(ref);
  return isNode(target) ? { ...target, ...Object.fromEntries(Object.entries(node).filter(([k]) => k !== '$ref')) } : node;
}

/** The schema value at an ajv `schemaPath` such as `#/$defs/method/allOf/0/then`. */
export function schemaAtSchemaPath(schemaPath: string): unknown {
  let cur: unknown = recipeSchema();
  for (const seg of splitPointer(schemaPath.replace(/^#/, ''))) {
    if (Array.isArray(cur)) cur = cur[Number(seg)];
    else if (isNode(cur)) cur = cur[seg];
    else return undefined;
  }
  return cur;
}

/** The (main, unconditional) schema that describes the instance at a JSON pointer, if any. */
export function schemaForInstance(pointer: string): SchemaNode | undefined {
  let cur: SchemaNode | undefined = recipeSchema();
  for (const seg of splitPointer(pointer)) {
    if (!cur) return undefined;
    cur = withObjectBranch(deref(cur));
    const props = cur['properties'];
    if (isNode(props) && isNode(props[seg])) cur = props[seg] as SchemaNode;
    else if (/^\d+$/.test(seg) && isNode(cur['items'])) cur = cur['items'] as SchemaNode;
    else if (isNode(cur['additionalProperties'])) cur = cur['additionalProperties'] as SchemaNode;
    else return undefined;
  }
  return cur ? withObjectBranch(deref(cur)) : undefined;
}

/** For `anyOf` unions such as `string | {use, options}`, the branch that describes a mapping. */
function withObjectBranch(node: SchemaNode): SchemaNode {
  if (node['properties'] !== undefined || !Array.isArray(node['anyOf'])) return node;
  const branch = (node['anyOf'] as unknown[]).find((b) => isNode(b) && isNode(b['properties']));
  return isNode(branch) ? branch : node;
}

/** The keys an object at `pointer` may have. */
export function allowedKeys(pointer: string): string[] {
  const s = schemaForInstance(pointer);
  const props = s?.['properties'];
  return isNode(props) ? Object.keys(props) : [];
}
