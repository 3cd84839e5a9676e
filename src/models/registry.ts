/**
 * The model registry: model_type → constructor. Explicit map, no import side effects.
 */
import type { HostTensor } from '../io/safetensors/index.js';
import type { ModelConfig } from './catalog.js';
import { modelCatalog } from './catalog.js';
import type { CausalLM, TrainableSpec } from './causal-lm.js';
import { Gpt2Model } from './gpt2/model.js';
import type { Gpt2Config } from './gpt2/config.js';
import { LlamaModel } from './llama/model.js';
import type { LlamaConfig } from './llama/config.js';
import { MptModel } from './mpt/model.js';
import type { MptConfig } from './mpt/config.js';
import { BloomModel } from './bloom/model.js';
import type { BloomConfig } from './bloom/config.js';

type Weights = ReadonlyMap<string, HostTensor>;

/** Builders keyed by `model_type`. */
export const MODEL_REGISTRY: Readonly<Record<ModelConfig['modelType'], (config: ModelConfig, weights: Weights, trainable: TrainableSpec) => CausalLM>> = {
  gpt2: (c, w, t) => new Gpt2Model(c as Gpt2Config, modelCatalog(c), w, t),
  llama: (c, w, t) => new LlamaModel(c as LlamaConfig, modelCatalog(c), w, t),
  mistral: (c, w, t) => new LlamaModel(c as LlamaConfig, modelCatalog(c), w, t),
  qwen2: (c, w, t) => new LlamaModel(c as LlamaConfig, modelCatalog(c), w, t),
  mpt: (c, w, t) => new MptModel(c as MptConfig, modelCatalog(c), w, t),
  bloom: (c, w, t) => new BloomModel(c as BloomConfig, modelCatalog(c), w, t),
};

/** Build a model from a normalized config and a weight map keyed by HF parameter names. */
export function buildModel(config: ModelConfig, weights: Weights, trainable: TrainableSpec = false): CausalLM {
  return MODEL_REGISTRY[config.modelType](config, weights, trainable);
}
