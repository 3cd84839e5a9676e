/**
 * Checkpoint tensor names → the canonical HF names models use. Handles GPT-2 files with or
 * without the `transformer.` prefix, buffers that are not parameters, and an explicit
 * `lm_head.weight` in a tied checkpoint.
 */
import type { HfModelConfig } from './config-types.js';

/** Non-persistent buffers older checkpoints still carry; never parameters. */
const IGNORED_BUFFER = /(^|\.)(attn\.bias|attn\.masked_bias|rotary_emb\.inv_freq)$/;

/** True for a tensor name that is a buffer to ignore (`h.N.attn.bias`, `attn.masked_bias`, `rotary_emb.inv_freq`). */
export function isIgnoredBuffer(modelType: string, name: string): boolean {
  // GPT-2's `attn.bias` is the causal-mask buffer; in other families `attn.bias` is not used as a name.
  if (/(^|\.)attn\.bias$/.test(name) && modelType !== 'gpt2') return false;
  return IGNORED_BUFFER.test(name);
}

/** Model prefix (transformers `base_model_prefix`) that a family's parameter names start with. */
export function basePrefix(modelType: string): string {
  return modelType === 'gpt2' || modelType === 'mpt' || modelType === 'bloom' ? 'transformer.' : 'model.';
}

/**
 * Canonical name of a stored tensor, or null when it should be skipped. GPT-2 names gain the
 * `transformer.` prefix when the file lacks it (the hub's `openai-community/gpt2` does);
 * `lm_head.weight` is dropped when embeddings are tied.
 */
export function canonicalWeightName(config: Pick<HfModelConfig, 'modelType' | 'tieWordEmbeddings'>, name: string): string | null {
  if (isIgnoredBuffer(config.modelType, name)) return null;
  if (name === 'lm_head.weight') return config.tieWordEmbeddings ? null : name;
  const prefix = basePrefix(config.modelType);
  if (config.modelType === 'gpt2' && !name.startsWith(prefix)) return prefix + name;
  return name;
}

/**
 * Map canonical names to stored names for a whole checkpoint. When two stored names map to the
 * same canonical name (a file holding both spellings) the first wins.
 */
export function canonicalNameMap(config: Pick<HfModelConfig, 'modelType' | 'tieWordEmbeddings'>, stored: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const name of stored) {
    const c = canonicalWeightName(config, name);
    if (c !== null && !out.has(c)) out.set(c, name);
  }
  return out;
}
