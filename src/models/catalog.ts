/**
 * TensorFlow-free description of every supported architecture: config.json → normalized config →
 * module tree and parameter list with HF names. `tune plan` and the LoRA target matcher use this
 * without loading weights or a tensor backend.
 *
 * @example
 * const config = parseModelConfig(JSON.parse(text), 'model/config.json');
 * for (const m of modelCatalog(config).modules) if (m.kind === 'linear') console.log(m.path);
 */
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fail } from '../diagnostics/index.js';
import { ConfigReader, type JsonObject } from './config-reader.js';
import { type Gpt2Config, parseGpt2Config } from './gpt2/config.js';
import { gpt2Catalog } from './gpt2/catalog.js';
import { type LlamaConfig, parseLlamaConfig } from './llama/config.js';
import { llamaCatalog } from './llama/catalog.js';
import { type MptConfig, parseMptConfig } from './mpt/config.js';
import { mptCatalog } from './mpt/catalog.js';
import { type BloomConfig, parseBloomConfig } from './bloom/config.js';
import { bloomCatalog } from './bloom/catalog.js';
import type { ModelCatalog } from './types.js';

/** Normalized config of any supported architecture (discriminated by `modelType`). */
export type ModelConfig = Gpt2Config | LlamaConfig | MptConfig | BloomConfig;

/** The model_type values tunekit can build. */
export const BUILDABLE_MODEL_TYPES = ['gpt2', 'llama', 'mistral', 'qwen2', 'mpt', 'bloom'] as const;

/** Parse a config.json object into a normalized config; fails with MODEL_* diagnostics. */
export function parseModelConfig(json: unknown, file = 'config.json'): ModelConfig {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    fail('MODEL_CONFIG_INVALID', 'config.json must hold a JSON object', { file });
  }
  const r = new ConfigReader(json as JsonObject, file);
  const type = r.str('model_type', '');
  switch (type) {
    case 'gpt2':
      return parseGpt2Config(r);
    case 'llama':
    case 'mistral':
    case 'qwen2':
      return parseLlamaConfig(r, type);
    case 'mpt':
      return parseMptConfig(r);
    case 'bloom':
      return parseBloomConfig(r);
    default:
      fail('MODEL_UNSUPPORTED_TYPE', type === '' ? 'config.json has no `model_type`' : `model_type \`${type}\` is not supported`, {
        file,
        path: '/model_type',
        expected: BUILDABLE_MODEL_TYPES.join(' | '),
        found: JSON.stringify(type),
        hint: 'tunekit builds GPT-2, Llama-family (Llama, Mistral, Qwen2, SmolLM, TinyLlama), MPT and BLOOM checkpoints',
      });
  }
}

/** Read and parse `<dir>/config.json`, with `overrides` merged over its top-level keys (a recipe's `model.config`). */
export function readModelConfig(dir: string, overrides: Record<string, unknown> = {}): ModelConfig {
  const file = join(dir, 'config.json');
  if (!existsSync(file)) fail('MODEL_CONFIG_MISSING', `no config.json in ${dir}`, { file, hint: 'point --model at a Hugging Face model folder' });
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    fail('MODEL_CONFIG_INVALID', `config.json is not valid JSON: ${(e as Error).message}`, { file });
  }
  if (typeof json === 'object' && json !== null && !Array.isArray(json)) json = { ...(json as Record<string, unknown>), ...overrides };
  return parseModelConfig(json, file);
}

/** Module tree and parameter list of a model from its config alone. */
export function modelCatalog(config: ModelConfig): ModelCatalog {
  switch (config.modelType) {
    case 'gpt2':
      return gpt2Catalog(config);
    case 'mpt':
      return mptCatalog(config);
    case 'bloom':
      return bloomCatalog(config);
    default:
      return llamaCatalog(config);
  }
}

/** Total number of parameters (a tied head counted once, as HF's `num_parameters()` does). */
export function countParameters(catalog: ModelCatalog): number {
  return catalog.parameters.reduce((n, p) => n + p.shape.reduce((a, b) => a * b, 1), 0);
}

/** Largest token id the model accepts + 1. */
export function vocabSizeOf(config: ModelConfig): number {
  return config.vocabSize;
}

/** Maximum sequence length (positions) of a model (Infinity when the config sets none, as BLOOM). */
export function maxPositionsOf(config: ModelConfig): number {
  switch (config.modelType) {
    case 'gpt2':
      return config.nPositions;
    case 'mpt':
      return config.maxSeqLen;
    case 'bloom':
      return Number.POSITIVE_INFINITY;
    default:
      return config.maxPositionEmbeddings;
  }
}
