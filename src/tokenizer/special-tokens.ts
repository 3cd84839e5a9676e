/**
 * Where transformers finds special tokens and how it decides what `encode` adds around a text.
 */

/** The content of a special-token entry: a string or a (legacy) AddedToken object. */
export function tokenContent(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (v !== null && typeof v === 'object' && typeof (v as { content?: unknown }).content === 'string') {
    return (v as { content: string }).content;
  }
  return null;
}

/** A special token from tokenizer_config.json, falling back to special_tokens_map.json. */
export function specialToken(
  name: 'bos_token' | 'eos_token' | 'pad_token' | 'unk_token',
  config: Record<string, unknown>,
  map: Record<string, unknown>,
): string | null {
  if (Object.hasOwn(config, name)) return tokenContent(config[name]);
  return tokenContent(map[name]);
}

/** Special ids placed before and after the text of a single sequence. */
export interface SpecialTemplate {
  prefix: number[];
  suffix: number[];
}

type Json = Record<string, unknown>;

function templateProcessing(pp: Json): SpecialTemplate {
  const single = Array.isArray(pp['single']) ? (pp['single'] as Json[]) : [];
  const specials = (pp['special_tokens'] ?? {}) as Record<string, { ids?: number[] }>;
  const out: SpecialTemplate = { prefix: [], suffix: [] };
  let seenSequence = false;
  for (const piece of single) {
    if (piece['Sequence'] !== undefined) {
      seenSequence = true;
      continue;
    }
    const sp = piece['SpecialToken'] as { id?: string } | undefined;
    if (sp?.id === undefined) continue;
    const ids = specials[sp.id]?.ids ?? [];
    (seenSequence ? out.suffix : out.prefix).push(...ids);
  }
  return out;
}

/**
 * The special tokens the tokenizer.json post-processor adds to a single sequence
 * (TemplateProcessing, Bert/Roberta processing, or a Sequence holding one of them).
 */
export function postProcessorTemplate(pp: unknown): SpecialTemplate {
  if (pp === null || typeof pp !== 'object') return { prefix: [], suffix: [] };
  const p = pp as Json;
  switch (p['type']) {
    case 'TemplateProcessing':
      return templateProcessing(p);
    case 'BertProcessing':
    case 'RobertaProcessing': {
      const cls = p['cls'] as [string, number] | undefined;
      const sep = p['sep'] as [string, number] | undefined;
      return { prefix: cls ? [cls[1]] : [], suffix: sep ? [sep[1]] : [] };
    }
    case 'Sequence': {
      const out: SpecialTemplate = { prefix: [], suffix: [] };
      for (const inner of (p['processors'] as unknown[] | undefined) ?? []) {
        const t = postProcessorTemplate(inner);
        out.prefix.push(...t.prefix);
        out.suffix.push(...t.suffix);
      }
      return out;
    }
    default:
      return { prefix: [], suffix: [] };
  }
}

/**
 * The final BOS/EOS decision. transformers' Llama-family fast tokenizers rebuild the post-processor
 * from `add_bos_token` / `add_eos_token` when tokenizer_config.json sets them; otherwise the
 * tokenizer.json post-processor decides. A recipe override beats both.
 */
export function resolveSpecialTemplate(opts: {
  postProcessor: unknown;
  config: Json;
  bosId: number | null;
  eosId: number | null;
  addBos?: boolean | null | undefined;
  addEos?: boolean | null | undefined;
}): SpecialTemplate & { addBos: boolean; addEos: boolean } {
  const t = postProcessorTemplate(opts.postProcessor);
  const { bosId, eosId, config } = opts;
  let prefix = t.prefix;
  let suffix = t.suffix;
  const cfgBos = typeof config['add_bos_token'] === 'boolean' ? (config['add_bos_token'] as boolean) : undefined;
  const cfgEos = typeof config['add_eos_token'] === 'boolean' ? (config['add_eos_token'] as boolean) : undefined;
  const wantBos = opts.addBos ?? cfgBos;
  const wantEos = opts.addEos ?? cfgEos;
  if (wantBos !== undefined && bosId !== null) {
    prefix = wantBos ? [bosId] : prefix.filter((id) => id !== bosId);
  }
  if (wantEos !== undefined && eosId !== null) {
    suffix = wantEos ? [eosId] : suffix.filter((id) => id !== eosId);
  }
  return {
    prefix,
    suffix,
    // Without a named BOS/EOS, any template token before/after the text counts as one.
    addBos: bosId !== null ? prefix.includes(bosId) : prefix.length > 0,
    addEos: eosId !== null ? suffix.includes(eosId) : suffix.length > 0,
  };
}
