/**
 * Llama-family config.json → normalized config. One parser covers `llama` (incl. SmolLM/SmolLM2,
 * TinyLlama), `mistral` and `qwen2`; they differ in defaults, biases and the sliding window.
 * Accepts both `rope_scaling` (transformers v4) and `rope_parameters` (v5). TensorFlow-free.
 */
import { ConfigReader, type SpecialIds, readSpecialIds } from '../config-reader.js';

export type RopeScaling =
  | { type: 'default' }
  | { type: 'linear'; factor: number }
  | { type: 'llama3'; factor: number; lowFreqFactor: number; highFreqFactor: number; originalMaxPositionEmbeddings: number };

export interface LlamaConfig extends SpecialIds {
  modelType: 'llama' | 'mistral' | 'qwen2';
  vocabSize: number;
  hiddenSize: number;
  intermediateSize: number;
  numLayers: number;
  numHeads: number;
  numKvHeads: number;
  headDim: number;
  maxPositionEmbeddings: number;
  rmsNormEps: number;
  ropeTheta: number;
  ropeScaling: RopeScaling;
  /** Bias on q, k, v projections. */
  qkvBias: boolean;
  /** Bias on o_proj. */
  oBias: boolean;
  mlpBias: boolean;
  tieWordEmbeddings: boolean;
  initializerRange: number;
  /** Sliding attention window per layer (null = full causal attention). */
  slidingWindow: (number | null)[];
}

interface Defaults {
  vocab: number; hidden: number; inter: number; layers: number; heads: number; kv: number | null;
  maxPos: number; eps: number; bos: number | null; eos: number | null;
}

const DEFAULTS: Record<LlamaConfig['modelType'], Defaults> = {
  llama: { vocab: 32000, hidden: 4096, inter: 11008, layers: 32, heads: 32, kv: null, maxPos: 2048, eps: 1e-6, bos: 1, eos: 2 },
  mistral: { vocab: 32000, hidden: 4096, inter: 14336, layers: 32, heads: 32, kv: 8, maxPos: 4096 * 32, eps: 1e-6, bos: 1, eos: 2 },
  qwen2: { vocab: 151936, hidden: 4096, inter: 22016, layers: 32, heads: 32, kv: 32, maxPos: 32768, eps: 1e-6, bos: null, eos: null },
};

/** Llama / Mistral / Qwen2 fields with each family's config defaults. */
export function parseLlamaConfig(r: ConfigReader, modelType: LlamaConfig['modelType']): LlamaConfig {
  const d = DEFAULTS[modelType];
  const hiddenSize = r.int('hidden_size', d.hidden, 1);
  const numHeads = r.int('num_attention_heads', d.heads, 1);
  const numKvHeads = r.has('num_key_value_heads') ? r.int('num_key_value_heads', 0, 1) : (d.kv ?? numHeads);
  if (numHeads % numKvHeads !== 0) r.unsupported('num_key_value_heads', numKvHeads, `num_attention_heads (${numHeads}) must be a multiple of it`);
  const headDim = r.has('head_dim') ? r.int('head_dim', 0, 2) : hiddenSize / numHeads;
  if (!Number.isInteger(headDim) || headDim % 2 !== 0) r.unsupported('num_attention_heads', numHeads, 'hidden_size / num_attention_heads must be an even integer (or set head_dim)');
  const act = r.str('hidden_act', 'silu');
  if (act !== 'silu') r.unsupported('hidden_act', act, 'only silu (SwiGLU) is implemented for the Llama family');
  const numLayers = r.int('num_hidden_layers', d.layers, 1);
  const maxPositionEmbeddings = r.int('max_position_embeddings', d.maxPos, 1);

  const rope = r.has('rope_parameters') ? r.sub('rope_parameters') : r.sub('rope_scaling');
  const ropeTheta = rope.has('rope_theta') ? rope.num('rope_theta', 10000) : r.num('rope_theta', 10000);
  const ropeScaling = parseRopeScaling(rope, maxPositionEmbeddings);

  const attentionBias = r.bool('attention_bias', false);
  const qkvBias = modelType === 'qwen2' ? true : attentionBias;
  const oBias = modelType === 'qwen2' ? false : attentionBias;

  const slidingWindow: (number | null)[] = [];
  for (let i = 0; i < numLayers; i++) {
    if (modelType === 'mistral') slidingWindow.push(r.has('sliding_window') ? r.int('sliding_window', 4096, 1) : null);
    else if (modelType === 'qwen2') {
      const on = r.bool('use_sliding_window', false) && i >= r.int('max_window_layers', 28);
      slidingWindow.push(on ? r.int('sliding_window', 4096, 1) : null);
    } else slidingWindow.push(null);
  }

  return {
    modelType,
    vocabSize: r.int('vocab_size', d.vocab, 1),
    hiddenSize,
    intermediateSize: r.int('intermediate_size', d.inter, 1),
    numLayers,
    numHeads,
    numKvHeads,
    headDim,
    maxPositionEmbeddings,
    rmsNormEps: r.num('rms_norm_eps', d.eps),
    ropeTheta,
    ropeScaling,
    qkvBias,
    oBias,
    mlpBias: modelType === 'llama' ? r.bool('mlp_bias', false) : false,
    tieWordEmbeddings: r.bool('tie_word_embeddings', false),
    initializerRange: r.num('initializer_range', 0.02),
    slidingWindow,
    ...readSpecialIds(r, { bos: d.bos, eos: d.eos }),
  };
}

function parseRopeScaling(rope: ConfigReader, maxPos: number): RopeScaling {
  if (Object.keys(rope.json).length === 0) return { type: 'default' };
  const type = rope.has('rope_type') ? rope.str('rope_type', 'default') : rope.str('type', 'default');
  if (type === 'default') return { type: 'default' };
  if (type === 'linear') return { type: 'linear', factor: rope.num('factor', 1) };
  if (type === 'llama3') {
    return {
      type: 'llama3',
      factor: rope.num('factor', 8),
      lowFreqFactor: rope.num('low_freq_factor', 1),
      highFreqFactor: rope.num('high_freq_factor', 4),
      originalMaxPositionEmbeddings: rope.int('original_max_position_embeddings', maxPos, 1),
    };
  }
  rope.unsupported('rope_type', type, 'supported rope types: default, linear, llama3');
}
