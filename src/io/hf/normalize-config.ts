/**
 * config.json → {@link HfModelConfig}. Accepts transformers v4 and v5 layouts (`torch_dtype` /
 * `dtype`, `rope_scaling` + `rope_theta` / `rope_parameters`), GPT-2 / MPT / BLOOM attribute
 * names, and fills per-family defaults. Mistyped fields fail with the field's line and column.
 */
import { fail } from '../../diagnostics/index.js';
import { jsonPosition } from '../json-position.js';
import { ATTRIBUTE_MAPS, CONFIG_DEFAULTS, MPT_ATTENTION_DEFAULTS, SUPPORTED_MODEL_TYPES, type SupportedModelType } from './config-defaults.js';
import type { HfModelConfig, MptAttentionConfig, RopeScaling } from './config-types.js';

/** Where a config came from, for diagnostics. */
export interface ConfigSource {
  file?: string;
  /** The JSON text, to locate fields by line and column. */
  text?: string;
}

class Fields {
  constructor(readonly raw: Record<string, unknown>, readonly type: SupportedModelType, readonly src: ConfigSource) {}

  /** The stored key for a canonical key: the mapped name if present, else the canonical one. */
  key(canonical: string): string {
    const mapped = ATTRIBUTE_MAPS[this.type][canonical];
    if (mapped && Object.hasOwn(this.raw, mapped)) return mapped;
    if (Object.hasOwn(this.raw, canonical)) return canonical;
    return mapped ?? canonical;
  }

  value(canonical: string): unknown {
    // BloomConfig still accepts the legacy `n_embed` for hidden_size.
    if (this.type === 'bloom' && canonical === 'hidden_size' && typeof this.raw['n_embed'] === 'number') return this.raw['n_embed'];
    const k = this.key(canonical);
    return Object.hasOwn(this.raw, k) ? this.raw[k] : CONFIG_DEFAULTS[this.type][k];
  }

  bad(key: string, expected: string, found: unknown, path: (string | number)[] = [key]): never {
    fail('IO_HF_CONFIG_INVALID', `config field \`${path.join('.')}\` ${found === undefined ? 'is missing' : 'has the wrong type'}`, {
      ...(this.src.file ? { file: this.src.file } : {}), ...jsonPosition(this.src.text, path), path: `/${path.join('/')}`,
      expected, found: found === undefined ? 'nothing' : JSON.stringify(found), ...(this.src.text ? { source: this.src.text } : {}),
      hint: `fix \`${key}\` in config.json (transformers' ${this.type} config expects ${expected})`,
    });
  }

  int(canonical: string, min = 1): number {
    const v = this.value(canonical);
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) this.bad(this.key(canonical), `an integer ≥ ${min}`, v);
    return v;
  }

  optInt(canonical: string): number | null {
    const v = this.value(canonical);
    if (v === null || v === undefined) return null;
    return this.int(canonical, 0);
  }

  num(canonical: string): number {
    const v = this.value(canonical);
    if (typeof v !== 'number' || !Number.isFinite(v)) this.bad(this.key(canonical), 'a number', v);
    return v;
  }

  bool(canonical: string, fallback: boolean): boolean {
    const v = this.value(canonical);
    if (v === undefined || v === null) return fallback;
    if (typeof v !== 'boolean') this.bad(this.key(canonical), 'true or false', v);
    return v;
  }

  str(canonical: string, fallback: string): string {
    const v = this.value(canonical);
    if (v === undefined || v === null) return fallback;
    if (typeof v !== 'string') this.bad(this.key(canonical), 'a string', v);
    return v;
  }
}

function tokenIds(f: Fields, key: string): number[] {
  const v = f.value(key);
  if (v === null || v === undefined) return [];
  const list = Array.isArray(v) ? v : [v];
  for (const x of list) if (typeof x !== 'number' || !Number.isInteger(x) || x < 0) f.bad(key, 'a token id or a list of token ids', v);
  return list as number[];
}

function rope(f: Fields): { theta: number; scaling: RopeScaling | null } {
  const params = f.raw['rope_parameters'];
  const legacy = f.raw['rope_scaling'];
  let theta = f.raw['rope_theta'];
  let spec: unknown = legacy;
  let specKey = 'rope_scaling';
  if (params !== undefined && params !== null) {
    // transformers v5 moved rope_theta inside rope_parameters.
    if (typeof params !== 'object' || Array.isArray(params)) f.bad('rope_parameters', 'an object {"rope_type": …, "rope_theta": …}', params);
    const p = params as Record<string, unknown>;
    if (p['rope_theta'] !== undefined) theta = p['rope_theta'];
    spec = p;
    specKey = 'rope_parameters';
  }
  if (theta === undefined || theta === null) theta = CONFIG_DEFAULTS[f.type]['rope_theta'];
  if (typeof theta !== 'number' || !(theta > 0)) f.bad('rope_theta', 'a positive number', theta);
  if (spec === undefined || spec === null) return { theta, scaling: null };
  if (typeof spec !== 'object' || Array.isArray(spec)) f.bad(specKey, 'an object or null', spec);
  const s = spec as Record<string, unknown>;
  const ropeType = s['rope_type'] ?? s['type'] ?? 'default';
  if (typeof ropeType !== 'string') f.bad(specKey, 'a `rope_type` string', ropeType, [specKey, 'rope_type']);
  if (ropeType === 'default') return { theta, scaling: null };
  const factor = s['factor'];
  if (factor !== undefined && factor !== null && typeof factor !== 'number') f.bad(specKey, 'a numeric `factor`', factor, [specKey, 'factor']);
  const rest: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(s)) if (!['rope_type', 'type', 'rope_theta', 'factor'].includes(k)) rest[k] = v;
  return { theta, scaling: { ropeType, factor: typeof factor === 'number' ? factor : null, params: rest } };
}

function mptAttention(f: Fields): MptAttentionConfig {
  const given = f.raw['attn_config'] ?? {};
  if (typeof given !== 'object' || given === null || Array.isArray(given)) f.bad('attn_config', 'an object', given);
  const a = { ...MPT_ATTENTION_DEFAULTS, ...(given as Record<string, unknown>) };
  const num = (k: string): number | null => {
    const v = a[k];
    if (v === null || v === undefined) return null;
    if (typeof v !== 'number') f.bad('attn_config', 'a number or null', v, ['attn_config', k]);
    return v;
  };
  return {
    attnType: String(a['attn_type']), attnPdrop: num('attn_pdrop') ?? 0, attnImpl: String(a['attn_impl']),
    clipQkv: num('clip_qkv'), softmaxScale: num('softmax_scale'), prefixLm: a['prefix_lm'] === true, qkLn: a['qk_ln'] === true,
    attnUsesSequenceId: a['attn_uses_sequence_id'] === true, alibi: a['alibi'] !== false, alibiBiasMax: num('alibi_bias_max') ?? 8,
  };
}

function dtypeOf(raw: Record<string, unknown>): string | null {
  const v = raw['dtype'] ?? raw['torch_dtype'];
  return typeof v === 'string' ? v.replace(/^torch\./, '') : null;
}

/**
 * Normalize a parsed config.json.
 *
 * @example
 * const cfg = normalizeHfConfig(JSON.parse(text), { file: 'model/config.json', text });
 * cfg.hiddenSize; cfg.eosTokenIds; cfg.ropeScaling?.ropeType;
 */
export function normalizeHfConfig(raw: Record<string, unknown>, src: ConfigSource = {}): HfModelConfig {
  const mt = raw['model_type'];
  if (typeof mt !== 'string' || !(SUPPORTED_MODEL_TYPES as readonly string[]).includes(mt)) {
    fail('IO_HF_CONFIG_INVALID', typeof mt === 'string' ? `model_type \`${mt}\` is not supported` : 'config.json has no `model_type`', {
      ...(src.file ? { file: src.file } : {}), ...jsonPosition(src.text, ['model_type']), path: '/model_type',
      expected: `one of ${SUPPORTED_MODEL_TYPES.join(', ')}`, found: JSON.stringify(mt) ?? 'nothing',
      hint: typeof mt === 'string' ? 'tunekit supports the families listed; Llama-like models (SmolLM, TinyLlama) use model_type "llama"' : 'add "model_type" (e.g. "llama") to config.json',
    });
  }
  const type = mt as SupportedModelType;
  const f = new Fields(raw, type, src);
  const archs = raw['architectures'];
  const hiddenSize = f.int('hidden_size');
  const numHeads = f.int('num_attention_heads');
  const base = {
    modelType: type,
    architectures: Array.isArray(archs) ? archs.filter((a): a is string => typeof a === 'string') : [],
    vocabSize: f.int('vocab_size'),
    hiddenSize,
    numLayers: f.int('num_hidden_layers'),
    numHeads,
    bosTokenId: tokenIds(f, 'bos_token_id')[0] ?? null,
    eosTokenIds: tokenIds(f, 'eos_token_id'),
    padTokenId: tokenIds(f, 'pad_token_id')[0] ?? null,
    dtype: dtypeOf(raw),
    tieWordEmbeddings: f.bool('tie_word_embeddings', true),
    raw,
  };
  const headDimOf = (explicit: number | null): number => {
    if (explicit !== null) return explicit;
    if (hiddenSize % numHeads !== 0) f.bad(f.key('hidden_size'), `a multiple of the head count (${numHeads})`, hiddenSize);
    return hiddenSize / numHeads;
  };
  let out: HfModelConfig;
  switch (type) {
    case 'gpt2':
      out = {
        ...base, numKvHeads: numHeads, headDim: headDimOf(null), intermediateSize: f.optInt('n_inner') ?? 4 * hiddenSize,
        maxPositions: f.int('max_position_embeddings'), hiddenAct: f.str('activation_function', 'gelu_new'), norm: 'layernorm',
        normEps: f.num('layer_norm_epsilon'), positions: 'learned', ropeTheta: null, ropeScaling: null,
        qkvBias: true, outBias: true, mlpBias: true, slidingWindow: null,
        gpt2: {
          scaleAttnWeights: f.bool('scale_attn_weights', true), scaleAttnByInverseLayerIdx: f.bool('scale_attn_by_inverse_layer_idx', false),
          reorderAndUpcastAttn: f.bool('reorder_and_upcast_attn', false),
        },
      };
      break;
    case 'mpt': {
      const noBias = f.bool('no_bias', true);
      const logitScale = raw['logit_scale'];
      out = {
        ...base, numKvHeads: numHeads, headDim: headDimOf(null),
        // transformers' MptMLP hard-codes 4·d_model and ignores expansion_ratio.
        intermediateSize: 4 * hiddenSize, maxPositions: f.int('max_position_embeddings'), hiddenAct: 'gelu',
        norm: 'layernorm_no_bias', normEps: f.num('layer_norm_epsilon'), positions: 'alibi', ropeTheta: null, ropeScaling: null,
        qkvBias: false, outBias: false, mlpBias: false, slidingWindow: null,
        mpt: {
          attnConfig: mptAttention(f), expansionRatio: f.int('expansion_ratio'), noBias,
          logitScale: typeof logitScale === 'number' || typeof logitScale === 'string' ? logitScale : null, normType: f.str('norm_type', 'low_precision_layernorm'),
        },
      };
      break;
    }
    case 'bloom':
      out = {
        ...base, numKvHeads: numHeads, headDim: headDimOf(null), intermediateSize: 4 * hiddenSize, maxPositions: null,
        // bloom_gelu is the tanh approximation, i.e. gelu_new.
        hiddenAct: 'gelu_new', norm: 'layernorm', normEps: f.num('layer_norm_epsilon'), positions: 'alibi', ropeTheta: null,
        ropeScaling: null, qkvBias: true, outBias: true, mlpBias: true, slidingWindow: null,
        bloom: { applyResidualConnectionPostLayernorm: f.bool('apply_residual_connection_post_layernorm', false) },
      };
      break;
    case 'llama':
    case 'mistral':
    case 'qwen2': {
      const numKvHeads = f.optInt('num_key_value_heads') ?? numHeads;
      if (numKvHeads === 0 || numHeads % numKvHeads !== 0) f.bad('num_key_value_heads', `a divisor of num_attention_heads (${numHeads})`, numKvHeads);
      const r = rope(f);
      const attentionBias = type === 'llama' ? f.bool('attention_bias', false) : false;
      const useWindow = type === 'qwen2' ? f.bool('use_sliding_window', false) : type === 'mistral';
      out = {
        ...base, numKvHeads, headDim: headDimOf(f.optInt('head_dim')), intermediateSize: f.int('intermediate_size'),
        maxPositions: f.int('max_position_embeddings'), hiddenAct: f.str('hidden_act', 'silu'), norm: 'rmsnorm',
        normEps: f.num('rms_norm_eps'), positions: 'rope', ropeTheta: r.theta, ropeScaling: r.scaling,
        // Qwen2 always has q/k/v biases and no o_proj / MLP bias.
        qkvBias: type === 'qwen2' ? true : attentionBias, outBias: attentionBias,
        mlpBias: type === 'llama' ? f.bool('mlp_bias', false) : false,
        slidingWindow: useWindow ? f.optInt('sliding_window') : null,
        ...(type === 'qwen2' ? { qwen2: { useSlidingWindow: useWindow, maxWindowLayers: f.int('max_window_layers', 0) } } : {}),
      };
      break;
    }
  }
  return out;
}
