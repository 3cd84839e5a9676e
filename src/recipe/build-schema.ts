/**
 * The recipe JSON Schema, built from the core schema and the plugins' fragments: the enums of
 * `method.kind`, `optimizer.name`, the dataset `format`, `regularization.kind` and `engine.backend`
 * list what is registered; each variant's keys are added with the rules that reject them for the
 * other variants; `x-variants` records which keys each variant takes (the resolver prunes and fills
 * by it) and `x-aliases` the spellings from other tools. `schema/recipe.schema.json` is this
 * function's output for the built-in plugins (scripts/gen-schema.ts); `tune schema --out` adds a
 * recipe's own plugins.
 */
import { CORE_ALIASES } from './aliases.js';
import type { BackendKeys, ExportKind, ExportKindSpec, MethodSpec, RecipeRegistry, SchemaNode, VariantSpec } from './contributions.js';
import { REGULARIZATION, VARIANT_BLOCKS, type VariantBlock, coreSchema } from './core-schema/index.js';
import { CORE_EXPORT_KINDS } from './core-schema/output.js';

/** What `x-variants` says of a block: which keys each variant takes, and its own defaults. */
export interface VariantsAnnotation {
  by: string;
  keys: Record<string, string[]>;
  defaults?: Record<string, Record<string, unknown>>;
  /** Method blocks: `output.export` when the recipe does not say. */
  defaultExport?: Record<string, ExportKind[]>;
}

/** "`a`", "`a` or `b`", "`a`, `b` or `c`". */
export function orList(names: readonly string[]): string {
  const q = names.map((n) => `\`${n}\``);
  return q.length <= 1 ? (q[0] ?? '') : `${q.slice(0, -1).join(', ')} or ${q[q.length - 1]}`;
}

function nodeAt(schema: SchemaNode, pointer: string): SchemaNode {
  let cur: unknown = schema;
  for (const seg of pointer.split('/').slice(1)) cur = (cur as SchemaNode)[seg];
  if (!cur || typeof cur !== 'object') throw new Error(`internal: no schema node at ${pointer}`);
  return cur as SchemaNode;
}

const sentence = (s: string): string => s.replace(/\.$/, '');

/** A rule: when the discriminator is one of `values` (absent counts as its default), apply `then`. */
function whenDiscriminator(by: string, values: readonly string[], def: unknown, then: SchemaNode): SchemaNode {
  const test = values.length === 1 ? { const: values[0] } : { enum: [...values] };
  const absentMatches = typeof def === 'string' && values.includes(def);
  return { if: { ...(absentMatches ? {} : { required: [by] }), properties: { [by]: test }, type: 'object' }, then: { ...then, type: 'object' } };
}

function fillBlock(block: VariantBlock, node: SchemaNode, variantsIn: readonly VariantSpec[]): { names: string[]; annotation: VariantsAnnotation } {
  const variants = [...variantsIn].sort((a, b) => a.name.localeCompare(b.name));
  const names = variants.map((v) => v.name);
  const props = node['properties'] as Record<string, SchemaNode>;
  const disc = props[block.by] as SchemaNode;
  const owners = new Map<string, { variant: string; hint: string | undefined }>();
  for (const v of variants) {
    for (const [key, spec] of Object.entries(v.keys ?? {})) {
      if (props[key] !== undefined || owners.has(key)) throw new Error(`${block.label ?? block.registry}: key \`${key}\` of \`${v.name}\` is already taken${owners.has(key) ? ` by \`${owners.get(key)?.variant}\`` : ' by the core'}`);
      owners.set(key, { variant: v.name, hint: spec.notAllowedHint });
      props[key] = structuredClone(spec.schema);
    }
  }
  const taken = new Map<string, string[]>();
  for (const v of variants) {
    const own = Object.keys(v.keys ?? {});
    for (const u of v.uses ?? []) if (!owners.has(u)) throw new Error(`\`${v.name}\` uses \`${u}\`, which no ${block.label ?? block.registry} variant introduces`);
    taken.set(v.name, [...new Set([...(v.uses ?? []), ...own])].sort((a, b) => [...owners.keys()].indexOf(a) - [...owners.keys()].indexOf(b)));
  }
  // The discriminator: the registered values, each described.
  const def = disc['default'];
  if (def !== undefined && !names.includes(String(def))) delete disc['default'];
  const listing = variants.map((v) => `\`${v.name}\`: ${sentence(v.description)}`).join('; ');
  props[block.by] = {
    ...disc,
    description: `${String(disc['description'] ?? '')} ${listing}.`.trim(),
    type: 'string',
    enum: names,
    examples: disc['examples'] ?? names.slice(0, 3),
  };
  const rules: SchemaNode[] = [];
  const label = block.label;
  const shown = (key: string): string => (label ? `${label}.${key}` : key);
  if (block.style === 'per-key') {
    // One rule per group of keys with the same allowed variants and hint.
    const groups = new Map<string, { allowed: string[]; hint: string | undefined; keys: string[] }>();
    for (const [key, owner] of owners) {
      const allowed = names.filter((n) => taken.get(n)?.includes(key));
      if (allowed.length === names.length) continue;
      const id = `${allowed.join(',')}|${owner.hint ?? ''}`;
      const g = groups.get(id) ?? { allowed, hint: owner.hint, keys: [] };
      g.keys.push(key);
      groups.set(id, g);
    }
    for (const g of groups.values()) {
      const notAllowed = names.filter((n) => !g.allowed.includes(n));
      // "`method.{key}` is only allowed with `method.kind: lora` or `qlora`"
      const message = `\`${shown('{key}')}\` is only allowed with \`${shown(block.by)}: ${orList(g.allowed).slice(1)}`;
      rules.push(
        whenDiscriminator(block.by, notAllowed, def, {
          'x-error': { code: 'RECIPE_NOT_ALLOWED', message, hint: g.hint ?? `remove \`{key}\`, or set \`${shown(block.by)}\` to ${orList(g.allowed)}` },
          properties: Object.fromEntries(g.keys.map((k) => [k, false])),
        }),
      );
    }
  } else {
    const all = [...owners.keys()];
    for (const v of variants) {
      const own = taken.get(v.name) ?? [];
      const rejected = all.filter((k) => !own.includes(k));
      if (!rejected.length) continue;
      rules.push(
        whenDiscriminator(block.by, [v.name], def, {
          'x-error': {
            code: 'RECIPE_NOT_ALLOWED',
            message: `\`{key}\` does not apply to \`${block.by}: ${v.name}\` datasets`,
            hint: own.length ? `besides the common keys, \`${block.by}: ${v.name}\` takes ${own.map((k) => `\`${k}\``).join(', ')}` : `\`${block.by}: ${v.name}\` takes only the common keys`,
          },
          properties: Object.fromEntries(rejected.map((k) => [k, false])),
        }),
      );
    }
  }
  for (const v of variants) {
    for (const r of (v as Partial<MethodSpec>).requires ?? []) {
      rules.push(whenDiscriminator(block.by, [v.name], undefined, { 'x-error': { code: 'RECIPE_MISSING_KEY', message: r.message, ...(r.hint ? { hint: r.hint } : {}) }, required: [r.key] }));
    }
  }
  if (rules.length) node['allOf'] = [...((node['allOf'] as SchemaNode[] | undefined) ?? []), ...rules];
  const examples = variants.flatMap((v) => (v.example ? [v.example] : [])).slice(0, 2);
  if (!node['examples']) node['examples'] = examples.length ? examples : [{ [block.by]: names[0] }];
  const defaults = Object.fromEntries(variants.filter((v) => v.defaults && Object.keys(v.defaults).length).map((v) => [v.name, structuredClone(v.defaults) as Record<string, unknown>]));
  const annotation: VariantsAnnotation = { by: block.by, keys: Object.fromEntries(names.map((n) => [n, taken.get(n) ?? []])), ...(Object.keys(defaults).length ? { defaults } : {}) };
  return { names, annotation };
}

/**
 * `output.export`: the enum of every export kind (the core's and the plugins'), the folder of each
 * (`x-export-folders`, read by the resolver) and each method's default in the description.
 */
function fillExports(schema: SchemaNode, reg: RecipeRegistry): ExportKindSpec[] {
  const kinds = [...CORE_EXPORT_KINDS, ...reg.exportKinds];
  const names = kinds.map((k) => k.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup !== undefined) throw new Error(`export kind \`${dup}\` is registered twice (the core registers ${orList(CORE_EXPORT_KINDS.map((k) => k.name))})`);
  for (const m of reg.methods) {
    const unknown = [...m.exports.allowed, ...m.exports.default].find((k) => !names.includes(k));
    if (unknown !== undefined) throw new Error(`method \`${m.name}\` exports \`${unknown}\`, which no plugin registers as an export kind`);
  }
  const node = nodeAt(schema, '/$defs/output/properties/export');
  const folderOf = (k: ExportKindSpec): string => k.folder ?? k.name;
  const byDefault = new Map<string, string[]>();
  for (const m of [...reg.methods].sort((a, b) => a.name.localeCompare(b.name))) {
    const key = `[${m.exports.default.join(', ')}]`;
    byDefault.set(key, [...(byDefault.get(key) ?? []), m.name]);
  }
  node['description'] = `What to write at the end, each into its folder of output.dir. ${kinds.map((k) => `\`${k.name}\` (\`${folderOf(k)}/\`): ${sentence(k.description)}.`).join(' ')} null: the method’s default — ${[...byDefault].map(([d, ms]) => `\`${d}\` for ${ms.join(', ')}`).join('; ')}.`;
  node['items'] = { type: 'string', enum: names };
  node['examples'] = [names.length > 1 ? names.filter((n) => n !== 'full').slice(0, 2) : names];
  node['x-export-folders'] = Object.fromEntries(kinds.map((k) => [k.name, folderOf(k)]));
  return kinds;
}

/** `output.export` rules of method kinds that cannot write every export kind (a full fine-tune has no adapter). */
function exportRules(methods: readonly MethodSpec[], kinds: readonly ExportKindSpec[]): SchemaNode[] {
  return [...methods]
    .sort((a, b) => a.name.localeCompare(b.name))
    .filter((m) => kinds.some((k) => !m.exports.allowed.includes(k.name)))
    .map((m) => ({
      if: { required: ['method'], properties: { method: { required: ['kind'], properties: { kind: { const: m.name } }, type: 'object' } }, type: 'object' },
      then: {
        properties: {
          output: {
            properties: {
              export: {
                'x-error': {
                  code: 'RECIPE_NOT_ALLOWED',
                  message: m.exports.message ?? `\`method.kind: ${m.name}\`: \`output.export\` can only contain ${orList(m.exports.allowed)}`,
                  hint: m.exports.hint ?? `use \`export: [${m.exports.allowed.join(', ')}]\``,
                },
                type: ['array', 'null'],
                items: m.exports.allowed.length === 1 ? { const: m.exports.allowed[0] } : { enum: [...m.exports.allowed] },
              },
            },
            type: 'object',
          },
        },
        type: 'object',
      },
    }));
}

function fillEngine(schema: SchemaNode, backends: readonly BackendKeys[]): void {
  const engine = nodeAt(schema, '/$defs/engine');
  const props = engine['properties'] as Record<string, SchemaNode>;
  const order = [...backends].sort((a, b) => (a.autoOrder ?? Infinity) - (b.autoOrder ?? Infinity) || a.name.localeCompare(b.name));
  const auto = order.filter((b) => b.autoOrder !== null);
  const backend = props['backend'] as SchemaNode;
  props['backend'] = {
    ...backend,
    description: `${String(backend['description'] ?? '')} \`auto\` takes the first available of ${auto.map((b) => `\`${b.name}\` (${sentence(b.summary)})`).join(', ')}.${order.length > auto.length ? ` Only when named: ${order.filter((b) => b.autoOrder === null).map((b) => `\`${b.name}\` (${sentence(b.summary)})`).join(', ')}.` : ''}`,
    type: 'string',
    enum: ['auto', ...order.map((b) => b.name)],
  };
  for (const b of order) {
    if (!b.settings) continue;
    if (props[b.name] !== undefined) throw new Error(`backend \`${b.name}\`: engine.${b.name} is already a key`);
    props[b.name] = structuredClone(b.settings);
  }
}

/**
 * The recipe schema for the core plus the given plugins' contributions.
 *
 * @example
 * const schema = buildRecipeSchema(collectContributions(plugins));
 */
export function buildRecipeSchema(reg: RecipeRegistry): SchemaNode {
  const schema = coreSchema();
  const rootProps = schema['properties'] as Record<string, SchemaNode>;
  if (reg.lossTerms.length) {
    // Before `plugins`, so the section reads with the other training settings.
    const { plugins, ...rest } = rootProps;
    schema['properties'] = { ...rest, regularization: structuredClone(REGULARIZATION), plugins };
  }
  for (const block of VARIANT_BLOCKS) {
    const variants = reg[block.registry];
    if (!variants.length) {
      if (block.registry === 'lossTerms') continue;
      throw new Error(`no plugin registers a ${block.registry.replace(/s$/, '')}: the recipe schema needs at least one`);
    }
    const node = nodeAt(schema, block.schemaPointer);
    const { annotation } = fillBlock(block, node, variants);
    if (block.registry === 'methods') annotation.defaultExport = Object.fromEntries(reg.methods.map((m) => [m.name, [...m.exports.default]]));
    node['x-variants'] = annotation;
    // The root property of a `$defs` section shows the same examples in the editor.
    const section = block.schemaPointer.match(/^\/\$defs\/([a-z_]+)$/)?.[1];
    if (section && rootProps[section]) rootProps[section]['examples'] = node['examples'];
  }
  const kinds = fillExports(schema, reg);
  schema['allOf'] = [...((schema['allOf'] as SchemaNode[] | undefined) ?? []), ...exportRules(reg.methods, kinds)];
  fillEngine(schema, reg.backends);
  schema['x-aliases'] = { ...CORE_ALIASES, ...reg.aliases };
  return schema;
}
