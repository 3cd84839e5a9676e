/**
 * Typed field access on a parsed config.json, failing with MODEL_CONFIG_INVALID that names the file
 * and the key. TensorFlow-free (used by the catalog and `tune plan`).
 */
import { fail } from '../diagnostics/index.js';

/** A parsed JSON object. */
export type JsonObject = Record<string, unknown>;

/** Reads fields of one JSON object, with defaults for absent or null values (HF semantics). */
export class ConfigReader {
  constructor(
    readonly json: JsonObject,
    readonly file: string,
    private readonly prefix = '',
  ) {}

  private bad(key: string, expected: string, value: unknown): never {
    fail('MODEL_CONFIG_INVALID', `\`${this.prefix}${key}\` must be ${expected}`, {
      file: this.file,
      path: `/${this.prefix.replace(/\./g, '/')}${key}`,
      expected,
      found: JSON.stringify(value) ?? String(value),
    });
  }

  has(key: string): boolean {
    return this.json[key] !== undefined && this.json[key] !== null;
  }

  num(key: string, def: number): number {
    const v = this.json[key];
    if (v === undefined || v === null) return def;
    if (typeof v !== 'number' || !Number.isFinite(v)) this.bad(key, 'a number', v);
    return v;
  }

  int(key: string, def: number, min = 0): number {
    const v = this.num(key, def);
    if (!Number.isInteger(v) || v < min) this.bad(key, `an integer ≥ ${min}`, v);
    return v;
  }

  optInt(key: string): number | null {
    if (!this.has(key)) return null;
    return this.int(key, 0);
  }

  bool(key: string, def: boolean): boolean {
    const v = this.json[key];
    if (v === undefined || v === null) return def;
    if (typeof v !== 'boolean') this.bad(key, 'true or false', v);
    return v;
  }

  str(key: string, def: string): string {
    const v = this.json[key];
    if (v === undefined || v === null) return def;
    if (typeof v !== 'string') this.bad(key, 'a string', v);
    return v;
  }

  /** An int or a list of ints (e.g. `eos_token_id`); null when absent. */
  intList(key: string): number[] | null {
    const v = this.json[key];
    if (v === undefined || v === null) return null;
    if (typeof v === 'number' && Number.isInteger(v)) return [v];
    if (Array.isArray(v) && v.every((x) => typeof x === 'number' && Number.isInteger(x))) return v as number[];
    this.bad(key, 'an integer or a list of integers', v);
  }

  /** A nested object (e.g. `attn_config`); an empty reader when absent. */
  sub(key: string): ConfigReader {
    const v = this.json[key];
    if (v === undefined || v === null) return new ConfigReader({}, this.file, `${this.prefix}${key}.`);
    if (typeof v !== 'object' || Array.isArray(v)) this.bad(key, 'an object', v);
    return new ConfigReader(v as JsonObject, this.file, `${this.prefix}${key}.`);
  }

  /** Fail with MODEL_UNSUPPORTED_FEATURE for a key whose value tunekit does not implement. */
  unsupported(key: string, found: unknown, hint: string): never {
    fail('MODEL_UNSUPPORTED_FEATURE', `\`${this.prefix}${key}\` = ${JSON.stringify(found)} is not supported`, {
      file: this.file,
      path: `/${this.prefix.replace(/\./g, '/')}${key}`,
      found: JSON.stringify(found),
      hint,
    });
  }
}

/** Token ids common to every architecture's config. */
export interface SpecialIds {
  bosTokenId: number | null;
  eosTokenId: number[] | null;
  padTokenId: number | null;
}

/** bos / eos / pad ids: an absent key takes the family default, an explicit null means none. */
export function readSpecialIds(r: ConfigReader, defaults: { bos: number | null; eos: number | null }): SpecialIds {
  // An explicit null means "none"; only an absent key takes the architecture's default.
  const bos = 'bos_token_id' in r.json ? r.optInt('bos_token_id') : defaults.bos;
  const eos = 'eos_token_id' in r.json ? r.intList('eos_token_id') : defaults.eos === null ? null : [defaults.eos];
  return { bosTokenId: bos, eosTokenId: eos, padTokenId: r.optInt('pad_token_id') };
}
