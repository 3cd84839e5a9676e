/** GPT-2 config.json → normalized config (HF GPT2Config defaults; TensorFlow-free). */
import { ConfigReader, type SpecialIds, readSpecialIds } from '../config-reader.js';

export interface Gpt2Config extends SpecialIds {
  modelType: 'gpt2';
  vocabSize: number;
  nPositions: number;
  nEmbd: number;
  nLayer: number;
  nHead: number;
  nInner: number;
  activation: 'gelu_new' | 'gelu' | 'relu' | 'silu' | 'gelu_pytorch_tanh';
  layerNormEps: number;
  initializerRange: number;
  scaleAttnWeights: boolean;
  scaleAttnByInverseLayerIdx: boolean;
  tieWordEmbeddings: boolean;
}

const ACTIVATIONS = ['gelu_new', 'gelu', 'relu', 'silu', 'gelu_pytorch_tanh'] as const;

/** GPT-2 fields with GPT2Config defaults (`n_inner` null → 4·n_embd; bos = eos = 50256). */
export function parseGpt2Config(r: ConfigReader): Gpt2Config {
  const nEmbd = r.int('n_embd', 768, 1);
  const nHead = r.int('n_head', 12, 1);
  if (nEmbd % nHead !== 0) r.unsupported('n_head', nHead, `n_embd (${nEmbd}) must be divisible by n_head`);
  const act = r.str('activation_function', 'gelu_new');
  if (!(ACTIVATIONS as readonly string[]).includes(act)) r.unsupported('activation_function', act, `supported: ${ACTIVATIONS.join(', ')}`);
  if (r.bool('reorder_and_upcast_attn', false)) {
    // Only changes numerics in half precision; in fp32 it is the same computation.
  }
  return {
    modelType: 'gpt2',
    vocabSize: r.int('vocab_size', 50257, 1),
    nPositions: r.int('n_positions', 1024, 1),
    nEmbd,
    nLayer: r.int('n_layer', 12, 1),
    nHead,
    nInner: r.has('n_inner') ? r.int('n_inner', 0, 1) : 4 * nEmbd,
    activation: act as Gpt2Config['activation'],
    layerNormEps: r.num('layer_norm_epsilon', 1e-5),
    initializerRange: r.num('initializer_range', 0.02),
    scaleAttnWeights: r.bool('scale_attn_weights', true),
    scaleAttnByInverseLayerIdx: r.bool('scale_attn_by_inverse_layer_idx', false),
    tieWordEmbeddings: r.bool('tie_word_embeddings', true),
    ...readSpecialIds(r, { bos: 50256, eos: 50256 }),
  };
}
