import { parse as parseYaml } from 'yaml';
import { diag, type Diagnostic } from '../diagnostics/index.js';
import { isPlainObject, setOwn, type Layer } from './merge.js';
import { dropOrigins, joinPointer, type OverrideOrigin } from './origins.js';
import { suggest } from './suggest.js';

/** One command-line override: `key.path=value` (set) or `~key.path` (delete). */
export interface Override {
  text: string;
  op: 'set' | 'delete';
  path: (string | number)[];
  value?: unknown;
}

const SEGMENT = /^(?:[A-Za-z_][A-Za-z0-9_-]*|\d+)$/;

/** True when a command-line argument has the shape of an override rather than a file name. */
export function looksLikeOverride(arg: string): boolean {
  return /^~?[A-Za-z_][\w.[\]-]*(=|$)/.test(arg) && (arg.startsWith('~') || arg.includes('='));
}

/** Parse one override; a malformed one yields a `RECIPE_OVERRIDE_SYNTAX` diagnostic naming it. */
export function parseOverride(text: string): Override | Diagnostic {
  const del = text.startsWith('~');
  const eq = text.indexOf('=');
  if (del && eq >= 0) {
    return diag('RECIPE_OVERRIDE_SYNTAX', `override \`${text}\` both deletes (\`~\`) and sets (\`=\`) a key`, {
      hint: 'write `~key.path` to delete a key, or `key.path=value` to set it',
    });
  }
  const keyText = del ? text.slice(1) : eq >= 0 ? text.slice(0, eq) : text;
  const segs = keyText.replace(/\[(\d+)\]/g, '.$1').split('.');
  if (keyText === '') {
    return diag('RECIPE_OVERRIDE_SYNTAX', `override \`${text}\` has no key path`, { hint: 'overrides look like `training.epochs=3` or `~schedule.warmup_steps`' });
  }
  if (segs.some((s) => !SEGMENT.test(s))) {
    return diag('RECIPE_OVERRIDE_SYNTAX', `override \`${text}\` has a malformed key path \`${keyText}\``, {
      expected: 'dotted keys such as `optimizer.lr` or `data.datasets.0.path`',
      hint: 'overrides look like `training.epochs=3` or `~schedule.warmup_steps`',
    });
  }
  const path = segs.map((s) => (/^\d+$/.test(s) ? Number(s) : s));
  if (del) return { text, op: 'delete', path };
  if (eq < 0) {
    return diag('RECIPE_OVERRIDE_SYNTAX', `override \`${text}\` has no value`, { hint: `write \`${text}=VALUE\`, or \`~${text}\` to delete the key` });
  }
  const raw = text.slice(eq + 1);
  let value: unknown;
  try {
    value = parseYaml(raw);
  } catch (e) {
    return diag('RECIPE_OVERRIDE_SYNTAX', `the value of override \`${text}\` is not valid YAML: ${(e as Error).message.split('\n')[0]}`, {
      hint: 'quote strings that contain YAML punctuation, e.g. `model.base="org/name"`',
    });
  }
  return { text, op: 'set', path, value };
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return 'a list';
  if (v === null) return 'null';
  return `a ${typeof v}`;
}

/**
 * Apply overrides in order to a merged recipe layer (before validation). Keys that do not exist are
 * created by `set` and left to the schema to judge; a path through a scalar, or a delete of nothing,
 * is a `RECIPE_OVERRIDE_PATH` diagnostic naming the override.
 */
export function applyOverrides(layer: Layer, overrides: readonly Override[], cwd: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const ov of overrides) {
    const origin: OverrideOrigin = { kind: 'override', text: ov.text, dir: cwd };
    let cur: unknown = layer.value;
    let ok = true;
    for (let i = 0; i < ov.path.length - 1; i++) {
      const seg = ov.path[i]!;
      const container = cur as Record<string | number, unknown>;
      let next = Array.isArray(container) ? (typeof seg === 'number' ? container[seg] : undefined) : Object.hasOwn(container, String(seg)) ? (container as Record<string, unknown>)[String(seg)] : undefined;
      if (next === undefined && ov.op === 'set' && !Array.isArray(container)) {
        next = typeof ov.path[i + 1] === 'number' ? [] : {};
        setOwn(container as Record<string, unknown>, String(seg), next);
        // A mapping the override had to create belongs to the override, for diagnostics.
        layer.origins.set(joinPointer(ov.path.slice(0, i + 1)), origin);
      }
      if (next === undefined && ov.op === 'delete') {
        out.push(diag('RECIPE_OVERRIDE_PATH', `override \`${ov.text}\`: there is no \`${ov.path.join('.')}\` to delete`));
        ok = false;
        break;
      }
      if (next === null || typeof next !== 'object') {
        const where = ov.path.slice(0, i + 1).join('.');
        out.push(
          diag('RECIPE_OVERRIDE_PATH', `override \`${ov.text}\`: \`${where}\` is ${next === undefined ? 'not set' : describe(next)}, so it has no key \`${String(ov.path[i + 1])}\``, {
            hint: 'check the key path against the recipe (`tune schema` lists every key)',
          }),
        );
        ok = false;
        break;
      }
      cur = next;
    }
    if (!ok) continue;
    const last = ov.path[ov.path.length - 1]!;
    const ptr = joinPointer(ov.path);
    if (Array.isArray(cur)) {
      if (typeof last !== 'number' || last > cur.length || (ov.op === 'delete' && last >= cur.length)) {
        out.push(
          diag('RECIPE_OVERRIDE_PATH', `override \`${ov.text}\`: \`${ov.path.slice(0, -1).join('.')}\` is a list of ${cur.length} item(s); \`${String(last)}\` is not a valid index`, {
            hint: `use an index from 0 to ${ov.op === 'delete' ? cur.length - 1 : cur.length}`,
          }),
        );
        continue;
      }
      if (ov.op === 'delete') cur.splice(last, 1);
      else cur[last] = ov.value;
    } else if (isPlainObject(cur)) {
      const key = String(last);
      if (ov.op === 'delete') {
        if (!Object.hasOwn(cur, key)) {
          const near = suggest(key, Object.keys(cur));
          out.push(
            diag('RECIPE_OVERRIDE_PATH', `override \`${ov.text}\`: there is no \`${ov.path.join('.')}\` to delete`, {
              ...(near ? { hint: `did you mean \`~${[...ov.path.slice(0, -1), near].join('.')}\`?` } : {}),
            }),
          );
          continue;
        }
        delete cur[key];
      } else {
        setOwn(cur, key, ov.value);
      }
    }
    dropOrigins(layer.origins, ptr);
    if (ov.op === 'set') layer.origins.set(ptr, origin);
  }
  return out;
}
