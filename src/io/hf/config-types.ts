/**
 * The normalized view of an HF `config.json` that models read: one spelling for every field
 * (HF v4 and v5 layouts, GPT-2 / MPT / BLOOM attribute maps), defaults filled per model_type.
 */

/** `rope_scaling` (v4) / `rope_parameters` (v5) when a non-default RoPE variant is configured. */
export interface RopeScaling {
  /** `linear`, `dynamic`, `yarn`, `longrope`, `llama3`, … (`type` is the legacy spelling). */
  ropeType: string;
  /** Scaling factor, when the variant has one. */
  factor: number | null;
  /** llama3: `low_freq_factor`, `high_freq_factor`, `original_max_position_embeddings`; yarn: `beta_fast`, … */
  params: Readonly<Record<string, unknown>>;
}

/** MPT `attn_config` with MptAttentionConfig defaults filled in (config.json stores only a diff). */
export interface MptAttentionConfig {
  attnType: string;
  attnPdrop: number;
  attnImpl: string;
  clipQkv: number | null;
  softmaxScale: number | null;
  prefixLm: boolean;
  qkLn: boolean;
  attnUsesSequenceId: boolean;
  alibi: boolean;
  alibiBiasMax: number;
}

/** How a family normalizes its hidden states. */
export type NormKind = 'rmsnorm' | 'layernorm' | 'layernorm_no_bias';
/** Where a family gets positions from. */
export type PositionKind = 'learned' | 'rope' | 'alibi';

/** A normalized model config. Field names are camelCase; `raw` keeps config.json as read. */
export interface HfModelConfig {
  modelType: string;
  architectures: string[];
  vocabSize: number;
  hiddenSize: number;
  numLayers: number;
  numHeads: number;
  /** Key/value heads (GQA); equals numHeads for MHA families. */
  numKvHeads: number;
  headDim: number;
  intermediateSize: number;
  /** Context length (`n_positions`, `max_seq_len`, `max_position_embeddings`); null when unbounded (BLOOM). */
  maxPositions: number | null;
  /** Activation name as HF spells it (`gelu_new`, `silu`, `gelu`). */
  hiddenAct: string;
  norm: NormKind;
  /** `rms_norm_eps` or `layer_norm_epsilon`. */
  normEps: number;
  positions: PositionKind;
  /** RoPE base; null for non-RoPE families. */
  ropeTheta: number | null;
  ropeScaling: RopeScaling | null;
  tieWordEmbeddings: boolean;
  /** Bias on q/k/v projections. */
  qkvBias: boolean;
  /** Bias on the attention output projection. */
  outBias: boolean;
  /** Bias on MLP projections. */
  mlpBias: boolean;
  bosTokenId: number | null;
  /** Always a list (config.json allows an int or a list). */
  eosTokenIds: number[];
  padTokenId: number | null;
  /** torch dtype name of the stored weights (`float32`, `bfloat16`, …) from `dtype` or `torch_dtype`. */
  dtype: string | null;
  /** Qwen2/Mistral sliding window; null when disabled. */
  slidingWindow: number | null;
  /** GPT-2 only. */
  gpt2?: { scaleAttnWeights: boolean; scaleAttnByInverseLayerIdx: boolean; reorderAndUpcastAttn: boolean };
  /** MPT only. */
  mpt?: { attnConfig: MptAttentionConfig; expansionRatio: number; noBias: boolean; logitScale: number | string | null; normType: string };
  /** BLOOM only. */
  bloom?: { applyResidualConnectionPostLayernorm: boolean };
  /** Qwen2 only: layers below this index use full attention when the window is on. */
  qwen2?: { useSlidingWindow: boolean; maxWindowLayers: number };
  /** config.json as read. */
  raw: Readonly<Record<string, unknown>>;
}
