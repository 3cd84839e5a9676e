/**
 * Facts about model architectures that recipe validation needs without loading a model (and
 * without TensorFlow.js): module names adapters can target, where the context length lives in
 * config.json, and PEFT's default LoRA targets. Keyed by config.json `model_type`.
 */
export interface ArchFacts {
  modelType: string;
  /** config.json keys holding the context length, in the order transformers reads them. */
  contextKeys: readonly string[];
  /** The transformers config default when no key is present (null: no hard limit, e.g. ALiBi). */
  defaultContext: number | null;
  /** Module paths of one transformer block (layer index 0) that are linear layers. */
  blockLinears: readonly string[];
  /** Embedding and output-head module paths outside the blocks. */
  outerModules: readonly string[];
  /** The output head (excluded by `all-linear`, as in PEFT). */
  outputHead: string;
  /** PEFT's default `target_modules` for this model type. */
  peftDefaultTargets: readonly string[];
}

const llamaLike = (modelType: string, defaultContext: number): ArchFacts => ({
  modelType,
  contextKeys: ['max_position_embeddings'],
  defaultContext,
  blockLinears: ['q_proj', 'k_proj', 'v_proj', 'o_proj'].map((m) => `model.layers.0.self_attn.${m}`).concat(
    ['gate_proj', 'up_proj', 'down_proj'].map((m) => `model.layers.0.mlp.${m}`),
  ),
  outerModules: ['model.embed_tokens', 'lm_head'],
  outputHead: 'lm_head',
  peftDefaultTargets: ['q_proj', 'v_proj'],
});

/** The architectures tunekit knows, by `model_type`. */
export const ARCH_FACTS: Readonly<Record<string, ArchFacts>> = {
  gpt2: {
    modelType: 'gpt2',
    contextKeys: ['n_positions', 'max_position_embeddings'],
    defaultContext: 1024,
    blockLinears: ['transformer.h.0.attn.c_attn', 'transformer.h.0.attn.c_proj', 'transformer.h.0.mlp.c_fc', 'transformer.h.0.mlp.c_proj'],
    outerModules: ['transformer.wte', 'transformer.wpe', 'lm_head'],
    outputHead: 'lm_head',
    peftDefaultTargets: ['c_attn'],
  },
  llama: llamaLike('llama', 2048),
  mistral: llamaLike('mistral', 131072),
  qwen2: llamaLike('qwen2', 32768),
  mpt: {
    modelType: 'mpt',
    contextKeys: ['max_seq_len'],
    defaultContext: 2048,
    blockLinears: ['transformer.blocks.0.attn.Wqkv', 'transformer.blocks.0.attn.out_proj', 'transformer.blocks.0.ffn.up_proj', 'transformer.blocks.0.ffn.down_proj'],
    outerModules: ['transformer.wte', 'lm_head'],
    outputHead: 'lm_head',
    peftDefaultTargets: ['Wqkv'],
  },
  bloom: {
    modelType: 'bloom',
    // BLOOM uses ALiBi and has no position-embedding limit in its config.
    contextKeys: [],
    defaultContext: null,
    blockLinears: [
      'transformer.h.0.self_attention.query_key_value',
      'transformer.h.0.self_attention.dense',
      'transformer.h.0.mlp.dense_h_to_4h',
      'transformer.h.0.mlp.dense_4h_to_h',
    ],
    outerModules: ['transformer.word_embeddings', 'lm_head'],
    outputHead: 'lm_head',
    peftDefaultTargets: ['query_key_value'],
  },
};

/** Facts for a model type, or undefined when tunekit does not know it. */
export function archFacts(modelType: unknown): ArchFacts | undefined {
  return typeof modelType === 'string' && Object.hasOwn(ARCH_FACTS, modelType) ? ARCH_FACTS[modelType] : undefined;
}

/** The context length a config allows (config keys first, then the architecture default). */
export function contextLength(facts: ArchFacts, config: Record<string, unknown>): number | null {
  for (const k of facts.contextKeys) {
    const v = config[k];
    if (typeof v === 'number' && Number.isFinite(v)) return v;
  }
  return facts.defaultContext;
}

/** All module paths of one block plus the outer modules (what target names are matched against). */
export function modulePaths(facts: ArchFacts): string[] {
  return [...facts.blockLinears, ...facts.outerModules];
}

/**
 * Does a PEFT-style target select `path`? A list entry matches the whole name or a `.`-suffix;
 * a string is a regex that must match the whole name.
 */
export function targetMatches(target: string | readonly string[], path: string): boolean {
  if (typeof target === 'string') {
    if (target === 'all-linear') return true;
    try {
      return new RegExp(`^(?:${target})$`).test(path);
    } catch {
      return false;
    }
  }
  return target.some((t) => path === t || path.endsWith(`.${t}`));
}
