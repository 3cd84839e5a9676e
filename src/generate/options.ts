/**
 * Generation options with HF GenerationConfig semantics and defaults, optionally seeded from a
 * model folder's generation_config.json (explicit options win).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fail } from '../diagnostics/index.js';

export interface GenerateOptions {
  /** Number of tokens to generate at most (HF `max_new_tokens`). Default 20. */
  maxNewTokens?: number;
  /** Sample instead of greedy decoding (HF `do_sample`). Default false. */
  doSample?: boolean;
  /** Default 1.0. */
  temperature?: number;
  /** 0 disables. HF default 50 (applies only when sampling). */
  topK?: number;
  /** 1.0 disables. */
  topP?: number;
  /** 1.0 disables. */
  repetitionPenalty?: number;
  /** 0 disables. */
  noRepeatNgramSize?: number;
  /** Stop after emitting any of these ids (the id is kept in the output, as HF). */
  eosTokenId?: number | number[] | null;
  /** Stop once the decoded continuation contains one of these (needs `decode`). */
  stopStrings?: string[];
  /** Token decoder used for stop strings. */
  decode?: (ids: number[]) => string;
  /** Seed of the sampler. Default 0. */
  seed?: number;
  /** Use the KV cache (default true); false recomputes the whole sequence per token. */
  useCache?: boolean;
  /** Called with every new token as soon as it is chosen (streaming). */
  onToken?: (id: number) => void;
}

/** Options after defaults, validated. */
export interface ResolvedGenerateOptions {
  maxNewTokens: number;
  doSample: boolean;
  temperature: number;
  topK: number;
  topP: number;
  repetitionPenalty: number;
  noRepeatNgramSize: number;
  eosTokenIds: number[];
  stopStrings: string[];
  decode: ((ids: number[]) => string) | null;
  seed: number;
  useCache: boolean;
  onToken: ((id: number) => void) | null;
}

/** Read the fields of generation_config.json that tunekit honours (missing file → {}). */
export function readGenerationConfig(modelDir: string): GenerateOptions {
  const file = join(modelDir, 'generation_config.json');
  if (!existsSync(file)) return {};
  let j: Record<string, unknown>;
  try {
    j = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    return {};
  }
  const out: GenerateOptions = {};
  const num = (k: string): number | undefined => (typeof j[k] === 'number' ? (j[k] as number) : undefined);
  const set = <K extends keyof GenerateOptions>(key: K, v: GenerateOptions[K] | undefined): void => {
    if (v !== undefined) out[key] = v;
  };
  set('maxNewTokens', num('max_new_tokens'));
  set('doSample', typeof j['do_sample'] === 'boolean' ? (j['do_sample'] as boolean) : undefined);
  set('temperature', num('temperature'));
  set('topK', num('top_k'));
  set('topP', num('top_p'));
  set('repetitionPenalty', num('repetition_penalty'));
  set('noRepeatNgramSize', num('no_repeat_ngram_size'));
  const eos = j['eos_token_id'];
  if (typeof eos === 'number' || (Array.isArray(eos) && eos.every((x) => typeof x === 'number'))) out.eosTokenId = eos as number | number[];
  return out;
}

/** Apply HF defaults and validate (GENERATE_OPTION_INVALID). */
export function resolveGenerateOptions(o: GenerateOptions): ResolvedGenerateOptions {
  const r: ResolvedGenerateOptions = {
    maxNewTokens: o.maxNewTokens ?? 20,
    doSample: o.doSample ?? false,
    temperature: o.temperature ?? 1,
    topK: o.topK ?? 50,
    topP: o.topP ?? 1,
    repetitionPenalty: o.repetitionPenalty ?? 1,
    noRepeatNgramSize: o.noRepeatNgramSize ?? 0,
    eosTokenIds: o.eosTokenId === undefined || o.eosTokenId === null ? [] : Array.isArray(o.eosTokenId) ? o.eosTokenId : [o.eosTokenId],
    stopStrings: o.stopStrings ?? [],
    decode: o.decode ?? null,
    seed: o.seed ?? 0,
    useCache: o.useCache ?? true,
    onToken: o.onToken ?? null,
  };
  const bad = (name: string, expected: string, found: number): never =>
    fail('GENERATE_OPTION_INVALID', `${name} must be ${expected}`, { expected, found: String(found) });
  if (!Number.isInteger(r.maxNewTokens) || r.maxNewTokens < 0) bad('max_new_tokens', 'an integer ≥ 0', r.maxNewTokens);
  if (!(r.temperature > 0)) bad('temperature', '> 0 (use greedy decoding instead of temperature 0)', r.temperature);
  if (!Number.isInteger(r.topK) || r.topK < 0) bad('top_k', 'an integer ≥ 0', r.topK);
  if (!(r.topP > 0 && r.topP <= 1)) bad('top_p', 'in (0, 1]', r.topP);
  if (!(r.repetitionPenalty > 0)) bad('repetition_penalty', '> 0', r.repetitionPenalty);
  if (!Number.isInteger(r.noRepeatNgramSize) || r.noRepeatNgramSize < 0) bad('no_repeat_ngram_size', 'an integer ≥ 0', r.noRepeatNgramSize);
  if (r.stopStrings.length > 0 && r.decode === null) fail('GENERATE_OPTION_INVALID', 'stop strings need a tokenizer to decode tokens', { hint: 'load the model folder with its tokenizer, or stop on token ids (eos) instead' });
  return r;
}
