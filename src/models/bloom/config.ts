/** BLOOM config.json → normalized config (HF BloomConfig defaults and attribute map; TensorFlow-free). */
import { ConfigReader, type SpecialIds, readSpecialIds } from '../config-reader.js';

export interface BloomConfig extends SpecialIds {
  modelType: 'bloom';
  vocabSize: number;
  // Llama-style size names, so code that reads sizes generically (memory planning) covers BLOOM.
  hiddenSize: number;
  numLayers: number;
  numHeads: number;
  /** = numHeads (BLOOM is multi-head attention). */
  numKvHeads: number;
  headDim: number;
  /** = 4·hidden_size. */
  intermediateSize: number;
  layerNormEps: number;
  initializerRange: number;
  /** Residual taken after the LayerNorm instead of before it (bloom-176b style option). */
  residualPostLayernorm: boolean;
}

/** BLOOM fields with BloomConfig defaults. */
export function parseBloomConfig(r: ConfigReader): BloomConfig {
  // BloomConfig: `n_embed` (old checkpoints) overrides hidden_size; attribute_map maps
  // num_hidden_layers → n_layer and num_attention_heads → n_head.
  const hiddenSize = r.has('n_embed') ? r.int('n_embed', 64, 1) : r.int('hidden_size', 64, 1);
  const nHead = r.has('num_attention_heads') ? r.int('num_attention_heads', 8, 1) : r.int('n_head', 8, 1);
  if (hiddenSize % nHead !== 0) r.unsupported('n_head', nHead, `hidden_size (${hiddenSize}) must be divisible by n_head`);
  return {
    modelType: 'bloom',
    vocabSize: r.int('vocab_size', 250880, 1),
    hiddenSize,
    numLayers: r.has('num_hidden_layers') ? r.int('num_hidden_layers', 2, 1) : r.int('n_layer', 2, 1),
    numHeads: nHead,
    numKvHeads: nHead,
    headDim: hiddenSize / nHead,
    intermediateSize: 4 * hiddenSize,
    layerNormEps: r.num('layer_norm_epsilon', 1e-5),
    initializerRange: r.num('initializer_range', 0.02),
    residualPostLayernorm: r.bool('apply_residual_connection_post_layernorm', false),
    ...readSpecialIds(r, { bos: 1, eos: 2 }),
  };
}
