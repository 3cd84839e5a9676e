import type { ErrorObject } from 'ajv';
import { type CoreCode, diag, type Diagnostic } from '../diagnostics/index.js';
import { aliasFor } from './aliases.js';
import { locate } from './locate.js';
import { displayPath, escapeSegment, getAt, splitPointer, type Origins } from './origins.js';
import type { RecipeSchema, SchemaNode } from './schema.js';
import { suggest } from './suggest.js';

/** What the error mapper needs besides the ajv errors. */
export interface SchemaErrorContext {
  doc: unknown;
  /** The schema the document was validated against (its rules, messages and aliases). */
  schema: RecipeSchema;
  origins: Origins;
  /** The recipe file named on the command line (for values that came from overrides). */
  rootFile?: string;
}

interface XError {
  code: CoreCode;
  message: string;
  hint?: string;
  /** Show the found value (for value-range rules; not for structural ones). */
  found?: boolean;
}

const TYPE_WORDS: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  integer: 'an integer',
  boolean: 'true or false',
  object: 'a mapping',
  array: 'a list',
  null: 'null',
};

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function typeMatches(type: unknown, v: unknown): boolean {
  if (type === undefined) return true;
  const types = Array.isArray(type) ? type : [type];
  const t = jsonType(v);
  return types.some((x) => x === t || (x === 'number' && t === 'integer'));
}

/** Short printable form of a found value. */
export function showValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return `a list (${v.length} item${v.length === 1 ? '' : 's'})`;
  if (typeof v === 'object') return 'a mapping';
  const s = JSON.stringify(v);
  return s.length > 60 ? `${s.slice(0, 57)}…` : s;
}

function segmentsOf(schemaPath: string): string[] {
  return splitPointer(schemaPath.replace(/^#/, ''));
}

/** The nearest `x-error` annotation above the failing keyword (rule-level messages). */
function findXError(schema: RecipeSchema, schemaPath: string): XError | undefined {
  const segs = segmentsOf(schemaPath);
  for (let n = segs.length - 1; n >= 0; n--) {
    const node = schema.at(`#/${segs.slice(0, n).map(escapeSegment).join('/')}`);
    if (node && typeof node === 'object' && !Array.isArray(node)) {
      const x = (node as SchemaNode)['x-error'];
      if (x && typeof x === 'object') return x as XError;
    }
  }
  return undefined;
}

/**
 * Replace each failed `anyOf` with what matters: the errors of the one branch whose type matches the
 * value, or a single error for the whole `anyOf` when no branch (or several) fit.
 */
function collapseAnyOf(errors: ErrorObject[], doc: unknown, schema: RecipeSchema): ErrorObject[] {
  const anyOfs = errors.filter((e) => e.keyword === 'anyOf');
  const within = (e: ErrorObject, a: ErrorObject): boolean =>
    e !== a && e.schemaPath.startsWith(`${a.schemaPath}/`) && (e.instancePath === a.instancePath || e.instancePath.startsWith(`${a.instancePath}/`));
  const tops = anyOfs.filter((a) => !anyOfs.some((b) => within(a, b)));
  const out = errors.filter((e) => !tops.some((a) => a === e || within(e, a)));
  for (const a of tops) {
    const holder = schema.at(a.schemaPath.replace(/\/anyOf$/, '')) as SchemaNode | undefined;
    const branches = (schema.at(a.schemaPath) as SchemaNode[] | undefined) ?? [];
    if (!holder?.['x-error']) {
      const value = getAt(doc, a.instancePath);
      const fit = branches.map((b, i) => (typeMatches(b['type'], value) ? i : -1)).filter((i) => i >= 0);
      if (fit.length === 1) {
        const sub = errors.filter((e) => within(e, a) && e.schemaPath.startsWith(`${a.schemaPath}/${fit[0]}/`));
        if (sub.length) {
          out.push(...collapseAnyOf(sub, doc, schema));
          continue;
        }
      }
    }
    out.push(a);
  }
  return out;
}

function fill(template: string, pointer: string): string {
  const segs = splitPointer(pointer);
  return template.replace(/\{key\}/g, segs[segs.length - 1] ?? '').replace(/\{path\}/g, displayPath(pointer));
}

function exampleHint(schema: RecipeSchema, pointer: string, key: string): string | undefined {
  const s = schema.forInstance(`${pointer}/${escapeSegment(key)}`);
  const ex = (s?.['examples'] as unknown[] | undefined)?.[0];
  if (ex === undefined) return undefined;
  if (ex !== null && typeof ex === 'object') return `add a \`${key}:\` section (see \`tune schema\` or \`tune init\`)`;
  return `add e.g. \`${key}: ${typeof ex === 'string' ? ex : JSON.stringify(ex)}\``;
}

/** The value at `ptr` picks a plugin-registered variant (`method.kind`, `optimizer.name`, a dataset's `format`, …). */
function isDiscriminator(schema: RecipeSchema, ptr: string): boolean {
  const cut = ptr.lastIndexOf('/');
  const variants = schema.forInstance(ptr.slice(0, cut))?.['x-variants'] as { by?: string } | undefined;
  return variants?.by === ptr.slice(cut + 1);
}

function unknownKeyHint(schema: RecipeSchema, parent: string, key: string): string | undefined {
  const dotted = displayPath(parent);
  const alias = aliasFor(key, dotted, schema.aliases);
  if (alias) return `did you mean \`${alias.to}\`?${alias.note ? ` (${alias.note})` : ''}`;
  const allowed = schema.allowedKeys(parent);
  const near = suggest(key, allowed);
  if (near) return `did you mean \`${near}\`?`;
  // The section exists once a plugin registers a loss term.
  if (parent === '' && key === 'regularization') return 'no plugin of this recipe registers a loss term: add the plugin that provides one to `plugins:`';
  return allowed.length ? `allowed keys here: ${allowed.join(', ')}` : undefined;
}

/**
 * Turn ajv's errors (strict, allErrors) into one diagnostic per problem, each pointing at the
 * offending key (unknown or disallowed keys), the parent key (missing keys) or the value.
 */
export function mapSchemaErrors(errors: readonly ErrorObject[], ctx: SchemaErrorContext): Diagnostic[] {
  const relevant = collapseAnyOf(
    errors.filter((e) => e.keyword !== 'if'),
    ctx.doc,
    ctx.schema,
  );
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  for (const e of relevant) {
    const d = toDiagnostic(e, ctx);
    const key = `${d.code}|${d.path ?? ''}|${d.line ?? ''}:${d.col ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(d);
  }
  return out;
}

function toDiagnostic(e: ErrorObject, ctx: SchemaErrorContext): Diagnostic {
  const x = findXError(ctx.schema, e.schemaPath);
  const ptr = e.instancePath;
  const value = getAt(ctx.doc, ptr);
  const where = displayPath(ptr);
  const at = (pointer: string, prefer: 'key' | 'value') => locate(ctx.origins, pointer, prefer, ctx.rootFile);
  const valuePrefer = value !== null && typeof value === 'object' ? 'key' : 'value';
  let code: CoreCode = 'RECIPE_INVALID';
  let message = `\`${where || 'recipe'}\` ${e.message ?? 'is invalid'}`;
  let hint: string | undefined;
  let loc = at(ptr, valuePrefer);
  let expected: string | undefined;
  let found: string | undefined;
  const p = e.params as Record<string, unknown>;

  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String(p['additionalProperty']);
      const kp = `${ptr}/${escapeSegment(key)}`;
      loc = at(kp, 'key');
      code = 'RECIPE_UNKNOWN_KEY';
      message = where ? `unknown key \`${key}\` in \`${where}\`` : `unknown key \`${key}\``;
      hint = unknownKeyHint(ctx.schema, ptr, key);
      break;
    }
    case 'required': {
      const key = String(p['missingProperty']);
      loc = at(ptr, 'key');
      code = 'RECIPE_MISSING_KEY';
      message = where ? `\`${where}\` is missing the required key \`${key}\`` : `missing required key \`${key}\``;
      hint = exampleHint(ctx.schema, ptr, key);
      break;
    }
    case 'type': {
      code = 'RECIPE_TYPE';
      const types = String(p['type']).split(',');
      expected = types.map((t) => TYPE_WORDS[t] ?? t).join(' or ');
      found = showValue(value);
      message = `\`${where}\` must be ${expected}`;
      if (value === null) hint = 'remove the key to use its default';
      else if (typeof value === 'string' && types.some((t) => t === 'number' || t === 'integer') && value.trim() !== '' && !Number.isNaN(Number(value)))
        hint = 'write the number without quotes';
      break;
    }
    case 'enum': {
      code = 'RECIPE_ENUM';
      const allowed = (p['allowedValues'] as unknown[]).filter((v) => v !== null);
      expected = allowed.map((v) => `\`${String(v)}\``).join(', ');
      found = showValue(value);
      message = `\`${where}\` must be one of ${expected}`;
      const near = typeof value === 'string' ? suggest(value, allowed.map(String)) : undefined;
      if (near) hint = `did you mean \`${near}\`?`;
      else if (isDiscriminator(ctx.schema, ptr)) hint = `no plugin of this recipe registers \`${String(value)}\`: if a plugin provides it, add the plugin to \`plugins:\``;
      break;
    }
    case 'const': {
      found = showValue(value);
      if (ptr === '/recipe_version') {
        code = 'RECIPE_VERSION';
        message = `unsupported \`recipe_version\`; this tunekit reads version 1`;
        expected = '1';
        hint = 'write `recipe_version: 1`';
      } else {
        code = 'RECIPE_ENUM';
        expected = `\`${String(p['allowedValue'])}\``;
        message = `\`${where}\` must be ${expected}`;
      }
      break;
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
    case 'multipleOf': {
      code = 'RECIPE_RANGE';
      expected = e.keyword === 'multipleOf' ? `a multiple of ${String(p['multipleOf'])}` : `${String(p['comparison'])} ${String(p['limit'])}`;
      found = showValue(value);
      message = `\`${where}\` must be ${expected}`;
      break;
    }
    case 'minItems':
    case 'maxItems': {
      code = 'RECIPE_RANGE';
      const n = Number(p['limit']);
      expected = `${e.keyword === 'minItems' ? 'at least' : 'at most'} ${n} item${n === 1 ? '' : 's'}`;
      found = showValue(value);
      message = `\`${where}\` must have ${expected}`;
      loc = at(ptr, 'key');
      break;
    }
    case 'minLength': {
      code = 'RECIPE_RANGE';
      message = `\`${where}\` must not be empty`;
      break;
    }
    case 'uniqueItems': {
      code = 'RECIPE_DUPLICATE_ITEM';
      const j = Number(p['j']);
      const item = Array.isArray(value) ? value[j] : undefined;
      message = `\`${where}\` lists ${showValue(item)} more than once`;
      loc = at(`${ptr}/${Number(p['i'])}`, 'value');
      break;
    }
    case 'pattern': {
      code = 'RECIPE_PATTERN';
      message = `\`${where}\` does not have the required form`;
      const desc = ctx.schema.forInstance(ptr)?.['description'];
      if (typeof desc === 'string') hint = desc;
      break;
    }
    case 'false schema': {
      code = 'RECIPE_NOT_ALLOWED';
      message = `\`${where}\` is not allowed here`;
      loc = at(ptr, 'key');
      break;
    }
    case 'anyOf': {
      code = 'RECIPE_TYPE';
      const branches = (ctx.schema.at(e.schemaPath) as SchemaNode[] | undefined) ?? [];
      const words = [...new Set(branches.flatMap((b) => (Array.isArray(b['type']) ? b['type'] : [b['type']])).filter(Boolean).map((t) => TYPE_WORDS[String(t)] ?? String(t)))];
      message = `\`${where}\` must be ${words.join(' or ') || 'valid'}`;
      found = showValue(value);
      break;
    }
    default:
      break;
  }
  if (x) {
    code = x.code;
    message = fill(x.message, ptr);
    if (x.hint) hint = fill(x.hint, ptr);
    if (!x.found && e.keyword === 'anyOf') found = undefined;
    if (e.keyword === 'anyOf' || e.keyword === 'required') loc = at(ptr, e.keyword === 'required' ? 'key' : valuePrefer);
  }
  if (loc.note) message += ` (${loc.note})`;
  return diag(code, message, {
    ...loc.init,
    ...(expected !== undefined ? { expected } : {}),
    ...(found !== undefined ? { found } : {}),
    ...(hint !== undefined ? { hint } : {}),
  });
}
