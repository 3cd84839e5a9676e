/**
 * JSON text exactly as Python's `json.dumps(obj, indent=2, sort_keys=True)` writes it, which is
 * how transformers, PEFT and huggingface_hub write config.json, adapter_config.json and the
 * safetensors index. Differences from JSON.stringify: `ensure_ascii` escapes, code-point key
 * order, and floats in Python `repr` form (`0.0`, `1e-05`, `10000.0`), for which the writer must
 * be told which integral numbers are floats.
 */

/** A JSON value to dump. */
export type PyJsonValue = null | boolean | number | string | PyJsonValue[] | { [key: string]: PyJsonValue | undefined };

/** Options of {@link pyJsonDumps}. */
export interface PyJsonOptions {
  /** Indent width (Python `indent`); default 2. */
  indent?: number;
  /** Sort object keys by code point (Python `sort_keys`); default true. */
  sortKeys?: boolean;
  /**
   * Decide whether an integral number is a Python float (printed `1.0`). Gets the key of the
   * enclosing object (or the index in an array) and the path of keys leading to it.
   */
  isFloat?: (key: string, path: readonly string[]) => boolean;
}

/** Python `repr(float)`: shortest round-trip digits, exponent form below 1e-4 and from 1e16. */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'Infinity' : '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mant, expStr] = x.toExponential().split('e') as [string, string];
  const exp = Number(expStr);
  if (exp < -4 || exp >= 16) {
    return `${mant}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  const neg = mant.startsWith('-');
  const digits = mant.replace('-', '').replace('.', '');
  let s: string;
  if (exp >= 0) {
    s = digits.length > exp + 1 ? `${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}` : `${digits.padEnd(exp + 1, '0')}.0`;
  } else {
    s = `0.${'0'.repeat(-exp - 1)}${digits}`;
  }
  return neg ? `-${s}` : s;
}

/** Python `json.dumps` string escaping with `ensure_ascii=True`. */
export function pyJsonString(s: string): string {
  return JSON.stringify(s).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function codePointCompare(a: string, b: string): number {
  const ia = [...a];
  const ib = [...b];
  for (let i = 0; i < Math.min(ia.length, ib.length); i++) {
    const d = (ia[i]?.codePointAt(0) ?? 0) - (ib[i]?.codePointAt(0) ?? 0);
    if (d !== 0) return d;
  }
  return ia.length - ib.length;
}

/**
 * Dump a value as Python's `json.dumps(value, indent=2, sort_keys=True)` would (no trailing newline;
 * HF writers append `"\n"` themselves). Undefined object members are skipped.
 *
 * @example
 * pyJsonDumps({ r: 8, lora_dropout: 0 }, { isFloat: (k) => k === 'lora_dropout' });
 * // '{\n  "lora_dropout": 0.0,\n  "r": 8\n}'
 */
export function pyJsonDumps(value: PyJsonValue, options: PyJsonOptions = {}): string {
  const indent = options.indent ?? 2;
  const sortKeys = options.sortKeys ?? true;
  const isFloat = options.isFloat ?? (() => false);
  const dump = (v: PyJsonValue, key: string, path: string[], level: number): string => {
    if (v === null) return 'null';
    if (typeof v === 'boolean') return v ? 'true' : 'false';
    if (typeof v === 'number') return Number.isInteger(v) && !isFloat(key, path) ? String(v) : pyFloatRepr(v);
    if (typeof v === 'string') return pyJsonString(v);
    const pad = ' '.repeat(indent * (level + 1));
    const end = ' '.repeat(indent * level);
    if (Array.isArray(v)) {
      if (v.length === 0) return '[]';
      return `[\n${v.map((x, i) => pad + dump(x, key, [...path, String(i)], level + 1)).join(',\n')}\n${end}]`;
    }
    let keys = Object.keys(v).filter((k) => v[k] !== undefined);
    if (sortKeys) keys = keys.sort(codePointCompare);
    if (keys.length === 0) return '{}';
    return `{\n${keys.map((k) => `${pad}${pyJsonString(k)}: ${dump(v[k] as PyJsonValue, k, [...path, k], level + 1)}`).join(',\n')}\n${end}}`;
  };
  return dump(value, '', [], 0);
}
