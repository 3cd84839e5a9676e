import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Ajv } from 'ajv';
import { AJV_OPTIONS, ANNOTATION_KEYWORDS } from '../../src/recipe/ajv-options.js';
import { recipeSchema, recipeSchemaPath } from '../../src/recipe/schema.js';

const REPO = resolve(import.meta.dirname, '../..');
type Node = Record<string, unknown>;

/** Every property schema reachable through `properties`, with its dotted path and whether it is required. */
function properties(node: Node, root: Node, path: string, out: { path: string; schema: Node; required: boolean }[] = []): typeof out {
  const deref = (n: Node): Node => (typeof n['$ref'] === 'string' ? { ...(root['$defs'] as Record<string, Node>)[(n['$ref'] as string).split('/').pop()!], ...n } : n);
  const n = deref(node);
  const required = new Set<string>((n['required'] as string[] | undefined) ?? []);
  const props = n['properties'] as Record<string, Node> | undefined;
  if (props) {
    for (const [k, v] of Object.entries(props)) {
      out.push({ path: path ? `${path}.${k}` : k, schema: deref(v), required: required.has(k) });
      properties(v, root, path ? `${path}.${k}` : k, out);
    }
  }
  const items = n['items'] as Node | undefined;
  if (items && typeof items === 'object') properties(items, root, `${path}[]`, out);
  for (const b of (n['anyOf'] as Node[] | undefined) ?? []) properties(b, root, path, out);
  return out;
}

describe('recipe: JSON Schema (schema/recipe.schema.json)', () => {
  const schema = recipeSchema();

  it('is the file package.json exports and the editors use', () => {
    assert.equal(recipeSchemaPath(), resolve(REPO, 'schema/recipe.schema.json'));
    const pkg = JSON.parse(readFileSync(resolve(REPO, 'package.json'), 'utf8')) as { exports: Record<string, string> };
    assert.equal(pkg.exports['./schema/recipe.schema.json'], './schema/recipe.schema.json');
    const vscode = JSON.parse(readFileSync(resolve(REPO, '.vscode/settings.json'), 'utf8')) as { 'yaml.schemas': Record<string, string[]> };
    assert.ok(vscode['yaml.schemas']['./schema/recipe.schema.json']?.includes('recipes/**/*.y*ml'));
  });

  it('compiles under ajv strict mode', () => {
    const ajv = new Ajv({ ...AJV_OPTIONS, code: {} });
    for (const k of ANNOTATION_KEYWORDS) ajv.addKeyword(k);
    assert.doesNotThrow(() => ajv.compile(schema));
  });

  it('has $id, title and description', () => {
    assert.equal(schema['$id'], 'https://tunekit.dev/schema/recipe.schema.json');
    assert.equal(typeof schema['title'], 'string');
    assert.match(String(schema['description']), /null` deletes the inherited key/);
  });

  it('documents every property: description, examples, and a default unless required', () => {
    // Keys required by the root rule for files without `extends` (model, data.datasets, method.kind, …).
    const then = ((schema['allOf'] as Node[])[0]!['then'] ?? {}) as Node;
    const condRequired = new Set<string>((then['required'] as string[]) ?? []);
    for (const [k, v] of Object.entries((then['properties'] ?? {}) as Record<string, Node>)) for (const r of (v['required'] as string[] | undefined) ?? []) condRequired.add(`${k}.${r}`);
    const all = properties(schema, schema, '').map((p) => ({ ...p, required: p.required || condRequired.has(p.path) }));
    assert.ok(all.length > 90, `only ${all.length} properties`);
    const lacking = all.filter((p) => typeof p.schema['description'] !== 'string' || !Array.isArray(p.schema['examples']) || (!p.required && !('default' in p.schema)));
    assert.deepEqual(lacking.map((p) => p.path), []);
  });

  it('closes every object except the free-form ones', () => {
    const open = properties(schema, schema, '')
      .filter((p) => p.schema['type'] === 'object' && p.schema['additionalProperties'] !== false)
      .map((p) => p.path);
    assert.deepEqual(open.sort(), ['data.datasets[].roles', 'model.config', 'plugins[].options'].sort());
  });

  it('declares defaults that validate against their own property', () => {
    const ajv = new Ajv({ strict: false, allowUnionTypes: true });
    for (const p of properties(schema, schema, '')) {
      if (!('default' in p.schema) || p.schema['$ref'] !== undefined || p.schema['anyOf'] !== undefined) continue;
      const { default: def, examples: _e, ...rest } = p.schema;
      assert.ok(ajv.validate(rest, def), `${p.path}: default ${JSON.stringify(def)} is invalid`);
    }
  });
});
