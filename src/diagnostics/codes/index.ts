/**
 * The catalogue of diagnostic codes. Each core area owns one file below; plugins bring their own
 * catalogues (`defineCodes`), registered when they load. `diag` and `fail` take only catalogued
 * codes, so a misspelled code does not compile.
 */
import { CLI_CODES } from './cli.js';
import { DATA_CODES } from './data.js';
import { ENGINE_CODES } from './engine.js';
import { IO_CODES } from './io.js';
import { LORA_CODES } from './lora.js';
import { MODEL_CODES } from './model.js';
import { PLAN_CODES } from './plan.js';
import { PLUGIN_CODES } from './plugin.js';
import { QUANT_CODES } from './quant.js';
import { RECIPE_CODES } from './recipe.js';
import { TOKENIZER_CODES } from './tokenizer.js';
import { TRAIN_CODES } from './train.js';
import type { CodeCatalog, CodeInfo } from './types.js';

export type { CodeCatalog, CodeInfo };

/** The core's codes. */
export const CODES = Object.freeze({
  ...RECIPE_CODES,
  ...CLI_CODES,
  ...ENGINE_CODES,
  ...TOKENIZER_CODES,
  ...DATA_CODES,
  ...PLUGIN_CODES,
  ...TRAIN_CODES,
  ...IO_CODES,
  ...MODEL_CODES,
  ...QUANT_CODES,
  ...PLAN_CODES,
  ...LORA_CODES,
});

/** A code of the core catalogue. */
export type CoreCode = keyof typeof CODES;

const registered = new Map<string, { owner: string; info: CodeInfo }>();

/**
 * Add a plugin's codes to the catalogue (the plugin loader does this for every plugin it loads).
 * A code may belong to one owner only; the core's codes cannot be redefined.
 */
export function registerCodes(owner: string, catalog: CodeCatalog): void {
  for (const [code, info] of Object.entries(catalog)) {
    const prev = registered.get(code);
    if (Object.hasOwn(CODES, code) || (prev && prev.owner !== owner)) throw new Error(`diagnostic code ${code} of \`${owner}\` is already defined by ${prev ? `\`${prev.owner}\`` : 'the core'}`);
    registered.set(code, { owner, info });
  }
}

/** Is `code` in the core catalogue or a loaded plugin's? */
export function isKnownCode(code: string): boolean {
  return Object.hasOwn(CODES, code) || registered.has(code);
}

/** Every known code with its summary and owner (`core` or a plugin name). */
export function allCodes(): { code: string; owner: string; info: CodeInfo }[] {
  return [...Object.entries(CODES).map(([code, info]) => ({ code, owner: 'core', info: info as CodeInfo })), ...[...registered].map(([code, r]) => ({ code, ...r }))];
}
