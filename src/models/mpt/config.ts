/** MPT config.json → normalized config (HF MptConfig + MptAttentionConfig defaults; TensorFlow-free). */
import { ConfigReader, type SpecialIds, readSpecialIds } from '../config-reader.js';

export interface MptConfig extends SpecialIds {
  modelType: 'mpt';
  vocabSize: number;
  dModel: number;
  nHeads: number;
  nLayers: number;
  maxSeqLen: number;
  layerNormEps: number;
  /** Attention scale; null means 1/sqrt(head_dim). */
  softmaxScale: number | null;
  /** Clamp q/k/v to ±clipQkv after the fused projection (null = off). */
  clipQkv: number | null;
  initializerRange: number;
}

/** MPT fields; `attn_config` is a diff against MptAttentionConfig defaults, so missing keys take them. */
export function parseMptConfig(r: ConfigReader): MptConfig {
  const dModel = r.int('d_model', 2048, 1);
  const nHeads = r.int('n_heads', 16, 1);
  if (dModel % nHeads !== 0) r.unsupported('n_heads', nHeads, `d_model (${dModel}) must be divisible by n_heads`);
  const attn = r.sub('attn_config');
  if (!attn.bool('alibi', true)) attn.unsupported('alibi', false, 'HF MptForCausalLM always uses ALiBi; learned positions are not implemented');
  if (attn.bool('qk_ln', false)) attn.unsupported('qk_ln', true, 'HF MptForCausalLM does not implement qk_ln either');
  const normType = r.str('norm_type', 'low_precision_layernorm');
  if (normType !== 'low_precision_layernorm' && normType !== 'layernorm') r.unsupported('norm_type', normType, 'supported: low_precision_layernorm, layernorm');
  return {
    modelType: 'mpt',
    vocabSize: r.int('vocab_size', 50368, 1),
    dModel,
    nHeads,
    nLayers: r.int('n_layers', 24, 1),
    maxSeqLen: r.int('max_seq_len', 2048, 1),
    layerNormEps: r.num('layer_norm_epsilon', 1e-5),
    softmaxScale: attn.has('softmax_scale') ? attn.num('softmax_scale', 0) : null,
    clipQkv: attn.has('clip_qkv') ? attn.num('clip_qkv', 0) : null,
    initializerRange: r.num('initializer_range', 0.02),
    ...readSpecialIds(r, { bos: null, eos: null }),
  };
}
