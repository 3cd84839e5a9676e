/**
 * The catalogue of diagnostic codes. Each area owns one file below; this index merges them so a
 * test can check that every code used in the source is catalogued and documented.
 */
import { CLI_CODES } from './cli.js';
import { ENGINE_CODES } from './engine.js';
import { TOKENIZER_CODES } from './tokenizer.js';
import { DATA_CODES } from './data.js';
import { PLUGIN_CODES } from './plugin.js';
import { TRAIN_CODES } from './train.js';
import { METHOD_CODES } from './method.js';
import { IO_CODES } from './io.js';
import { RECIPE_CODES } from './recipe.js';
import { MODEL_CODES } from './model.js';
import { QUANT_CODES } from './quant.js';
import { PLAN_CODES } from './plan.js';
import { LORA_CODES } from './lora.js';

export interface CodeInfo {
  /** One-line summary of what went wrong. */
  summary: string;
}

export const CODES: Readonly<Record<string, CodeInfo>> = Object.freeze({
  ...RECIPE_CODES,
  ...CLI_CODES,
  ...ENGINE_CODES,
  ...TOKENIZER_CODES,
  ...DATA_CODES,
  ...PLUGIN_CODES,
  ...TRAIN_CODES,
  ...METHOD_CODES,
  ...IO_CODES,
  ...MODEL_CODES,
  ...QUANT_CODES,
  ...PLAN_CODES,
  ...LORA_CODES,
});

export function isKnownCode(code: string): boolean {
  return Object.hasOwn(CODES, code);
}
