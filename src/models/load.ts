/**
 * Load an HF model folder (config.json + safetensors) into a tunekit model, optionally merging a
 * PEFT LoRA adapter; or build a randomly initialised model from a config.
 *
 * @example
 * const model = await loadModel('models/stories260k');
 * const fresh = randomModel(parseModelConfig({ model_type: 'gpt2', n_layer: 2 }), { seed: 1 });
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { adoptStorage } from '../engine/host-storage.js';
import { type ModelConfig, modelCatalog, readModelConfig } from './catalog.js';
import type { CausalLM, LinearFactory, TrainableSpec } from './causal-lm.js';
import { extractQuantizedWeights, parseQuantizationConfig } from '../quant/index.js';
import { Nf4Linear } from './layers/nf4-linear.js';
import type { HostTensor } from '../io/safetensors/index.js';
import { normalizeWeightNames, readHfWeights } from './hf-weights.js';
import { mergeAdapter } from './adapter-merge.js';
import { randomWeights } from './init.js';
import { buildModel } from './registry.js';

export interface LoadOptions {
  trainable?: TrainableSpec;
  /** PEFT adapter folder merged into the base weights before building. */
  adapter?: string;
  /** Keys merged over config.json before parsing (a recipe's `model.config`). */
  configOverrides?: Record<string, unknown>;
}

export interface LoadedModel {
  model: CausalLM;
  /** Checkpoint keys the model does not use. */
  unexpectedKeys: string[];
}

/** Load a model folder; see {@link loadModelWithInfo} for unexpected-key information. */
export async function loadModel(dir: string, opts: LoadOptions = {}): Promise<CausalLM> {
  return (await loadModelWithInfo(dir, opts)).model;
}

export async function loadModelWithInfo(dir: string, opts: LoadOptions = {}): Promise<LoadedModel> {
  const config = readModelConfig(dir, opts.configOverrides);
  const catalog = modelCatalog(config);
  const { tensors, linears } = splitPrequantized(dir, await readHfWeights(dir));
  const { weights, unexpected } = normalizeWeightNames(tensors, catalog);
  if (opts.adapter !== undefined) await mergeAdapter(weights, opts.adapter, catalog);
  return { model: ownWeights(buildModel(config, weights, opts.trainable ?? false, linears)), unexpectedKeys: unexpected };
}

/**
 * A bitsandbytes 4-bit checkpoint (config.json `quantization_config` with `load_in_4bit`) keeps its
 * projections packed: they become frozen `Nf4Linear` slots from the stored codes, absmax and maps,
 * bit for bit, never a float32 copy. Everything else loads as usual.
 */
function splitPrequantized(dir: string, raw: Map<string, HostTensor>): { tensors: Map<string, HostTensor>; linears: Map<string, LinearFactory> } {
  const file = join(dir, 'config.json');
  const q = parseQuantizationConfig((JSON.parse(readFileSync(file, 'utf8')) as { quantization_config?: unknown }).quantization_config, file);
  if (!q) return { tensors: raw, linears: new Map() };
  const { quantized, rest } = extractQuantizedWeights(raw, join(dir, 'model.safetensors'));
  const linears = new Map<string, LinearFactory>([...quantized].map(([path, w]) => [path, (bias) => new Nf4Linear(w, 'linear', bias)]));
  return { tensors: rest, linears };
}

/** A model with fresh HF-style random weights (seeded). */
export function randomModel(config: ModelConfig, opts: { seed: number; trainable?: TrainableSpec }): CausalLM {
  return ownWeights(buildModel(config, randomWeights(modelCatalog(config), opts.seed), opts.trainable ?? false));
}

/**
 * The weights map built here is dropped once the model exists, so the model's trainable variables
 * own their host arrays: optimizers update them in place without a first copy (src/engine/host-storage.ts).
 */
function ownWeights(model: CausalLM): CausalLM {
  for (const [, p] of model.namedParameters()) if (p.trainable) adoptStorage(p.variable);
  return model;
}
