/**
 * Facts about model architectures that recipe validation needs without loading a model (and
 * without TensorFlow.js): the module names of one block and of the outer modules, and where the
 * context length lives in config.json. Keyed by config.json `model_type`.
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
  /** Normalization modules of one block (layer index 0) and outside the blocks. */
  norms: readonly string[];
  /** The output head. */
  outputHead: string;
}

const llamaLike = (modelType: string, defaultContext: number): ArchFacts => ({
  modelType,
  contextKeys: ['max_position_embeddings'],
  defaultContext,
  blockLinears: ['q_proj', 'k_proj', 'v_proj', 'o_proj'].map((m) => `model.layers.0.self_attn.${m}`).concat(
    ['gate_proj', 'up_proj', 'down_proj'].map((m) => `model.layers.0.mlp.${m}`),
  ),
  outerModules: ['model.embed_tokens', 'lm_head'],
  norms: ['model.layers.0.input_layernorm', 'model.layers.0.post_attention_layernorm', 'model.norm'],
  outputHead: 'lm_head',
});

/** The architectures tunekit knows, by `model_type`. */
export const ARCH_FACTS: Readonly<Record<string, ArchFacts>> = {
  gpt2: {
    modelType: 'gpt2',
    contextKeys: ['n_positions', 'max_position_embeddings'],
    defaultContext: 1024,
    blockLinears: ['transformer.h.0.attn.c_attn', 'transformer.h.0.attn.c_proj', 'transformer.h.0.mlp.c_fc', 'transformer.h.0.mlp.c_proj'],
    outerModules: ['transformer.wte', 'transformer.wpe', 'lm_head'],
    norms: ['transformer.h.0.ln_1', 'transformer.h.0.ln_2', 'transformer.ln_f'],
    outputHead: 'lm_head',
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
    norms: ['transformer.blocks.0.norm_1', 'transformer.blocks.0.norm_2', 'transformer.norm_f'],
    outputHead: 'lm_head',
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
    norms: ['transformer.word_embeddings_layernorm', 'transformer.h.0.input_layernorm', 'transformer.h.0.post_attention_layernorm', 'transformer.ln_f'],
    outputHead: 'lm_head',
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

/** Module paths of one block plus the outer modules, norms included (what target names are matched against). */
export function modulePaths(facts: ArchFacts): string[] {
  return [...facts.blockLinears, ...facts.outerModules, ...facts.norms];
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
