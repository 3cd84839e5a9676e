/**
 * Per-model_type defaults (transformers 4.44 configuration classes) and attribute maps, so a
 * config.json that leaves fields out means what transformers would make of it.
 */

/** Families the normalizer understands. */
export const SUPPORTED_MODEL_TYPES = ['gpt2', 'llama', 'mistral', 'qwen2', 'mpt', 'bloom'] as const;
export type SupportedModelType = (typeof SUPPORTED_MODEL_TYPES)[number];

/** Canonical key → the key this family stores it under (transformers `attribute_map`). */
export const ATTRIBUTE_MAPS: Readonly<Record<SupportedModelType, Readonly<Record<string, string>>>> = {
  gpt2: { hidden_size: 'n_embd', max_position_embeddings: 'n_positions', num_attention_heads: 'n_head', num_hidden_layers: 'n_layer' },
  mpt: { hidden_size: 'd_model', num_attention_heads: 'n_heads', num_hidden_layers: 'n_layers', max_position_embeddings: 'max_seq_len' },
  bloom: { num_hidden_layers: 'n_layer', num_attention_heads: 'n_head' },
  llama: {},
  mistral: {},
  qwen2: {},
};

/** Defaults of each configuration class, by the key as it appears in config.json. */
export const CONFIG_DEFAULTS: Readonly<Record<SupportedModelType, Readonly<Record<string, unknown>>>> = {
  gpt2: {
    vocab_size: 50257, n_positions: 1024, n_embd: 768, n_layer: 12, n_head: 12, n_inner: null,
    activation_function: 'gelu_new', layer_norm_epsilon: 1e-5, bos_token_id: 50256, eos_token_id: 50256,
    scale_attn_weights: true, scale_attn_by_inverse_layer_idx: false, reorder_and_upcast_attn: false,
    tie_word_embeddings: true,
  },
  llama: {
    vocab_size: 32000, hidden_size: 4096, intermediate_size: 11008, num_hidden_layers: 32, num_attention_heads: 32,
    num_key_value_heads: null, hidden_act: 'silu', max_position_embeddings: 2048, rms_norm_eps: 1e-6,
    rope_theta: 10000.0, rope_scaling: null, attention_bias: false, mlp_bias: false, tie_word_embeddings: false,
    head_dim: null, bos_token_id: 1, eos_token_id: 2, pad_token_id: null,
  },
  mistral: {
    vocab_size: 32000, hidden_size: 4096, intermediate_size: 14336, num_hidden_layers: 32, num_attention_heads: 32,
    num_key_value_heads: 8, hidden_act: 'silu', max_position_embeddings: 4096 * 32, rms_norm_eps: 1e-6,
    rope_theta: 10000.0, rope_scaling: null, sliding_window: 4096, tie_word_embeddings: false, head_dim: null,
    bos_token_id: 1, eos_token_id: 2, pad_token_id: null,
  },
  qwen2: {
    vocab_size: 151936, hidden_size: 4096, intermediate_size: 22016, num_hidden_layers: 32, num_attention_heads: 32,
    num_key_value_heads: 32, hidden_act: 'silu', max_position_embeddings: 32768, rms_norm_eps: 1e-6,
    rope_theta: 10000.0, rope_scaling: null, use_sliding_window: false, sliding_window: 4096, max_window_layers: 28,
    tie_word_embeddings: false, bos_token_id: null, eos_token_id: null, pad_token_id: null,
  },
  mpt: {
    d_model: 2048, n_heads: 16, n_layers: 24, expansion_ratio: 4, max_seq_len: 2048, vocab_size: 50368,
    layer_norm_epsilon: 1e-5, learned_pos_emb: true, logit_scale: null, no_bias: true,
    norm_type: 'low_precision_layernorm', tie_word_embeddings: true, bos_token_id: null, eos_token_id: null,
  },
  bloom: {
    vocab_size: 250880, hidden_size: 64, n_layer: 2, n_head: 8, layer_norm_epsilon: 1e-5,
    apply_residual_connection_post_layernorm: false, bos_token_id: 1, eos_token_id: 2, tie_word_embeddings: true,
  },
};

/** transformers MptAttentionConfig defaults (MPT config.json stores `attn_config` as a diff against these). */
export const MPT_ATTENTION_DEFAULTS: Readonly<Record<string, unknown>> = {
  attn_type: 'multihead_attention', attn_pdrop: 0, attn_impl: 'torch', clip_qkv: null, softmax_scale: null,
  prefix_lm: false, qk_ln: false, attn_uses_sequence_id: false, alibi: true, alibi_bias_max: 8,
};

/**
 * Keys whose integral values are Python floats in HF JSON files (so `10000.0` stays `10000.0` when
 * a config is written back). Non-integral numbers are always written as floats.
 */
export const FLOAT_CONFIG_KEYS: ReadonlySet<string> = new Set([
  'rope_theta', 'rms_norm_eps', 'layer_norm_epsilon', 'layer_norm_eps', 'initializer_range', 'attn_pdrop',
  'resid_pdrop', 'embd_pdrop', 'emb_pdrop', 'attention_dropout', 'hidden_dropout', 'summary_first_dropout',
  'embedding_fraction', 'factor', 'low_freq_factor', 'high_freq_factor', 'attention_factor', 'beta_fast',
  'beta_slow', 'mscale', 'mscale_all_dim', 'lora_dropout', 'temperature', 'top_p', 'repetition_penalty',
  'length_penalty', 'clip_qkv', 'softmax_scale', 'typical_p', 'epsilon_cutoff', 'eta_cutoff', 'min_p',
]);
