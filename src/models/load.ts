/**
 * Load an HF model folder (config.json + safetensors) into a tunekit model, optionally merging a
 * PEFT LoRA adapter; or build a randomly initialised model from a config.
 *
 * @example
 * const model = await loadModel('models/stories260k');
 * const fresh = randomModel(parseModelConfig({ model_type: 'gpt2', n_layer: 2 }), { seed: 1 });
 */
import { type ModelConfig, modelCatalog, readModelConfig } from './catalog.js';
import type { CausalLM, TrainableSpec } from './causal-lm.js';
import { normalizeWeightNames, readCheckpoint } from './checkpoint.js';
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
  const { weights, unexpected } = normalizeWeightNames(await readCheckpoint(dir), catalog);
  if (opts.adapter !== undefined) await mergeAdapter(weights, opts.adapter, catalog);
  return { model: buildModel(config, weights, opts.trainable ?? false), unexpectedKeys: unexpected };
}

/** A model with fresh HF-style random weights (seeded). */
export function randomModel(config: ModelConfig, opts: { seed: number; trainable?: TrainableSpec }): CausalLM {
  return buildModel(config, randomWeights(modelCatalog(config), opts.seed), opts.trainable ?? false);
}
