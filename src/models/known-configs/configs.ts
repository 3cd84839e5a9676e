/**
 * Verbatim copies of the architecture fields of well-known Hub models' config.json, so `tune plan`
 * works offline for the shipped recipes. Only fields a config parser or a planner reads are kept
 * (dropout rates, task params and `auto_map` are left out; they change no shape). Each entry says
 * where its values come from.
 */
import type { KnownConfig } from './types.js';

// MPT attention block as published in mosaicml's config.json files (HF MptAttentionConfig keys).
const MPT_ATTN = {
  alibi: true,
  alibi_bias_max: 8,
  attn_impl: 'torch',
  attn_type: 'multihead_attention',
  attn_uses_sequence_id: false,
  clip_qkv: null,
  prefix_lm: false,
  qk_ln: false,
  softmax_scale: null,
};

export const KNOWN_CONFIG_LIST: readonly KnownConfig[] = [
  {
    id: 'mosaicml/mpt-30b',
    // huggingface.co/mosaicml/mpt-30b config.json; the model card's hyperparameter table agrees:
    // n_parameters 29.95B, n_layers 48, n_heads 64, d_model 7168, vocab size 50432, sequence length 8192.
    source: 'mosaicml/mpt-30b config.json (model card: 48 layers, 64 heads, d_model 7168, vocab 50432, 8192 context)',
    config: {
      architectures: ['MPTForCausalLM'],
      model_type: 'mpt',
      d_model: 7168,
      n_heads: 64,
      n_layers: 48,
      expansion_ratio: 4,
      max_seq_len: 8192,
      vocab_size: 50432,
      no_bias: true,
      norm_type: 'low_precision_layernorm',
      learned_pos_emb: true,
      logit_scale: null,
      embedding_fraction: 1.0,
      attn_config: MPT_ATTN,
      tokenizer_name: 'EleutherAI/gpt-neox-20b',
      torch_dtype: 'bfloat16',
      use_cache: false,
    },
  },
  {
    id: 'mosaicml/mpt-7b',
    // huggingface.co/mosaicml/mpt-7b config.json; model card: 6.7B parameters, 32 layers, 32 heads,
    // d_model 4096, vocab 50432, sequence length 2048.
    source: 'mosaicml/mpt-7b config.json (model card: 32 layers, 32 heads, d_model 4096, vocab 50432, 2048 context)',
    config: {
      architectures: ['MPTForCausalLM'],
      model_type: 'mpt',
      d_model: 4096,
      n_heads: 32,
      n_layers: 32,
      expansion_ratio: 4,
      max_seq_len: 2048,
      vocab_size: 50432,
      no_bias: true,
      norm_type: 'low_precision_layernorm',
      learned_pos_emb: true,
      logit_scale: null,
      embedding_fraction: 1.0,
      attn_config: MPT_ATTN,
      tokenizer_name: 'EleutherAI/gpt-neox-20b',
      torch_dtype: 'bfloat16',
      use_cache: false,
    },
  },
  {
    id: 'HuggingFaceTB/SmolLM2-135M',
    // huggingface.co/HuggingFaceTB/SmolLM2-135M config.json (the same values tests/models/catalog.test.ts
    // checks: 134,515,008 parameters).
    source: 'HuggingFaceTB/SmolLM2-135M config.json',
    config: {
      architectures: ['LlamaForCausalLM'],
      model_type: 'llama',
      attention_bias: false,
      bos_token_id: 0,
      eos_token_id: 0,
      hidden_act: 'silu',
      hidden_size: 576,
      initializer_range: 0.041666666666666664,
      intermediate_size: 1536,
      max_position_embeddings: 8192,
      num_attention_heads: 9,
      num_hidden_layers: 30,
      num_key_value_heads: 3,
      rms_norm_eps: 1e-5,
      rope_interleaved: false,
      rope_scaling: null,
      rope_theta: 100000,
      tie_word_embeddings: true,
      torch_dtype: 'bfloat16',
      vocab_size: 49152,
    },
  },
  {
    id: 'meta-llama/Llama-3.1-8B',
    aliases: ['meta-llama/Meta-Llama-3.1-8B'],
    // huggingface.co/meta-llama/Llama-3.1-8B config.json (gated repo; values as published by Meta:
    // 8,030,261,248 parameters, GQA 32/8 heads, llama3 RoPE scaling ×8 from 8192).
    source: 'meta-llama/Llama-3.1-8B config.json',
    config: {
      architectures: ['LlamaForCausalLM'],
      model_type: 'llama',
      attention_bias: false,
      bos_token_id: 128000,
      eos_token_id: 128001,
      hidden_act: 'silu',
      hidden_size: 4096,
      initializer_range: 0.02,
      intermediate_size: 14336,
      max_position_embeddings: 131072,
      mlp_bias: false,
      num_attention_heads: 32,
      num_hidden_layers: 32,
      num_key_value_heads: 8,
      rms_norm_eps: 1e-5,
      rope_scaling: { factor: 8.0, low_freq_factor: 1.0, high_freq_factor: 4.0, original_max_position_embeddings: 8192, rope_type: 'llama3' },
      rope_theta: 500000.0,
      tie_word_embeddings: false,
      torch_dtype: 'bfloat16',
      vocab_size: 128256,
    },
  },
  {
    id: 'malteos/bloom-6b4-clp-german',
    // The architecture is bigscience/bloom-7b1's (config.json: hidden 4096, 30 layers, 32 heads) — the
    // CLP-Transfer model reuses every weight but the embeddings (model card). The vocabulary is the German
    // GPT-2-style BPE of the CLP helper model; 50304 (50257 padded to a multiple of 128, Megatron-style)
    // could not be checked against the Hub file offline — a cached copy of the real config.json wins.
    source: 'bigscience/bloom-7b1 config.json architecture + German CLP vocabulary (vocab_size unverified)',
    unverified: ['vocab_size'],
    config: {
      architectures: ['BloomForCausalLM'],
      model_type: 'bloom',
      apply_residual_connection_post_layernorm: false,
      bos_token_id: 1,
      eos_token_id: 2,
      pad_token_id: 3,
      hidden_size: 4096,
      initializer_range: 0.02,
      layer_norm_epsilon: 1e-5,
      n_head: 32,
      n_layer: 30,
      vocab_size: 50304,
      torch_dtype: 'bfloat16',
    },
  },
  {
    id: 'openai-community/gpt2',
    aliases: ['gpt2'],
    // huggingface.co/openai-community/gpt2 config.json (124,439,808 parameters).
    source: 'openai-community/gpt2 config.json',
    config: {
      architectures: ['GPT2LMHeadModel'],
      model_type: 'gpt2',
      activation_function: 'gelu_new',
      bos_token_id: 50256,
      eos_token_id: 50256,
      initializer_range: 0.02,
      layer_norm_epsilon: 1e-5,
      n_ctx: 1024,
      n_embd: 768,
      n_head: 12,
      n_layer: 12,
      n_positions: 1024,
      vocab_size: 50257,
    },
  },
  {
    id: 'openai-community/gpt2-medium',
    aliases: ['gpt2-medium'],
    // huggingface.co/openai-community/gpt2-medium config.json (354,823,168 parameters).
    source: 'openai-community/gpt2-medium config.json',
    config: {
      architectures: ['GPT2LMHeadModel'],
      model_type: 'gpt2',
      activation_function: 'gelu_new',
      bos_token_id: 50256,
      eos_token_id: 50256,
      initializer_range: 0.02,
      layer_norm_epsilon: 1e-5,
      n_ctx: 1024,
      n_embd: 1024,
      n_head: 16,
      n_layer: 24,
      n_positions: 1024,
      vocab_size: 50257,
    },
  },
];
