/**
 * The model registry: model_type → constructor. Explicit map, no import side effects.
 */
import type { HostTensor } from '../io/safetensors/index.js';
import type { ModelConfig } from './catalog.js';
import { modelCatalog } from './catalog.js';
import type { CausalLM, LinearFactory, TrainableSpec } from './causal-lm.js';
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
export const MODEL_REGISTRY: Readonly<Record<ModelConfig['modelType'], (config: ModelConfig, weights: Weights, trainable: TrainableSpec, linears?: ReadonlyMap<string, LinearFactory>) => CausalLM>> = {
  gpt2: (c, w, t, l) => new Gpt2Model(c as Gpt2Config, modelCatalog(c), w, t, l),
  llama: (c, w, t, l) => new LlamaModel(c as LlamaConfig, modelCatalog(c), w, t, l),
  mistral: (c, w, t, l) => new LlamaModel(c as LlamaConfig, modelCatalog(c), w, t, l),
  qwen2: (c, w, t, l) => new LlamaModel(c as LlamaConfig, modelCatalog(c), w, t, l),
  mpt: (c, w, t, l) => new MptModel(c as MptConfig, modelCatalog(c), w, t, l),
  bloom: (c, w, t, l) => new BloomModel(c as BloomConfig, modelCatalog(c), w, t, l),
};

/** Build a model from a normalized config and a weight map keyed by HF parameter names. */
export function buildModel(config: ModelConfig, weights: Weights, trainable: TrainableSpec = false, linears?: ReadonlyMap<string, LinearFactory>): CausalLM {
  return MODEL_REGISTRY[config.modelType](config, weights, trainable, linears);
}
