/** BLOOM module and parameter catalogue (HF BloomForCausalLM names; TensorFlow-free). */
import type { ModelCatalog, ModuleInfo, ParamSpec } from '../types.js';
import type { BloomConfig } from './config.js';

/** Modules and parameters of BloomForCausalLM (biases everywhere, embedding LayerNorm, tied head). */
export function bloomCatalog(c: BloomConfig): ModelCatalog {
  const h = c.hiddenSize;
  const std = c.initializerRange;
  const modules: ModuleInfo[] = [{ path: 'transformer.word_embeddings', kind: 'embedding', inFeatures: c.vocabSize, outFeatures: h, bias: false }];
  const params: ParamSpec[] = [{ name: 'transformer.word_embeddings.weight', shape: [c.vocabSize, h], init: { kind: 'normal', std } }];
  const norm = (path: string): void => {
    modules.push({ path, kind: 'norm', inFeatures: h, outFeatures: h, bias: true });
    params.push({ name: `${path}.weight`, shape: [h], init: { kind: 'ones' } }, { name: `${path}.bias`, shape: [h], init: { kind: 'zeros' } });
  };
  const linear = (path: string, nIn: number, nOut: number): void => {
    modules.push({ path, kind: 'linear', inFeatures: nIn, outFeatures: nOut, layout: 'linear', bias: true });
    params.push({ name: `${path}.weight`, shape: [nOut, nIn], init: { kind: 'normal', std } }, { name: `${path}.bias`, shape: [nOut], init: { kind: 'zeros' } });
  };
  norm('transformer.word_embeddings_layernorm');
  for (let i = 0; i < c.numLayers; i++) {
    const p = `transformer.h.${i}`;
    norm(`${p}.input_layernorm`);
    linear(`${p}.self_attention.query_key_value`, h, 3 * h);
    linear(`${p}.self_attention.dense`, h, h);
    norm(`${p}.post_attention_layernorm`);
    linear(`${p}.mlp.dense_h_to_4h`, h, 4 * h);
    linear(`${p}.mlp.dense_4h_to_h`, 4 * h, h);
  }
  norm('transformer.ln_f');
  modules.push({ path: 'lm_head', kind: 'lm_head', inFeatures: h, outFeatures: c.vocabSize, layout: 'linear', bias: false, tiedTo: 'transformer.word_embeddings' });
  return { modelType: 'bloom', modules, parameters: params, ignoredKeys: [], basePrefix: 'transformer.' };
}
