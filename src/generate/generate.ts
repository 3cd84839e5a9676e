/**
 * Autoregressive decoding for one sequence: greedy or sampling, HF logits processors in HF order
 * (repetition penalty, no-repeat-ngram, then temperature, top-k, top-p when sampling), EOS and
 * stop strings, a KV cache (or full recomputation), a seeded sampler.
 *
 * @example
 * const { tokens } = await generate(model, [464, 2068], { maxNewTokens: 8 });
 */
import { tf } from '../engine/index.js';
import { fail } from '../diagnostics/index.js';
import type { CausalLM } from '../models/causal-lm.js';
import { Rng } from '../models/prng.js';
import { maxPositionsOf } from '../models/catalog.js';
import {
  applyNoRepeatNgram,
  applyRepetitionPenalty,
  applyTemperature,
  applyTopK,
  applyTopP,
  argmax,
  softmax,
} from './logits-processors.js';
import { type GenerateOptions, type ResolvedGenerateOptions, resolveGenerateOptions } from './options.js';

export type FinishReason = 'eos' | 'stop_string' | 'length';

export interface GenerateResult {
  /** Newly generated ids (an EOS that stopped generation included, as HF). */
  tokens: number[];
  finishReason: FinishReason;
}

/** Process one row of next-token scores in place and pick the next token. */
export function chooseToken(scores: Float32Array, ids: readonly number[], o: ResolvedGenerateOptions, rng: Rng): number {
  if (o.repetitionPenalty !== 1) applyRepetitionPenalty(scores, ids, o.repetitionPenalty);
  if (o.noRepeatNgramSize > 0) applyNoRepeatNgram(scores, ids, o.noRepeatNgramSize);
  if (!o.doSample) return argmax(scores);
  if (o.temperature !== 1) applyTemperature(scores, o.temperature);
  if (o.topK > 0) applyTopK(scores, o.topK);
  if (o.topP < 1) applyTopP(scores, o.topP);
  return sampleIndex(softmax(scores), rng);
}

/** Draw an index from a probability vector with one uniform number. */
export function sampleIndex(probs: ArrayLike<number>, rng: Rng): number {
  const u = rng.uniform();
  let cum = 0;
  let last = 0;
  for (let i = 0; i < probs.length; i++) {
    const p = probs[i] as number;
    if (p <= 0) continue;
    last = i;
    cum += p;
    if (u < cum) return i;
  }
  return last;
}

/** Next-token scores after `input` (the new tokens; the whole sequence when there is no cache). */
async function nextScores(model: CausalLM, input: number[], cache: ReturnType<CausalLM['newCache']> | null): Promise<Float32Array> {
  const logits = tf.tidy(() => {
    const h = model.forwardHidden([input], cache ? { cache } : {});
    const T = h.shape[1] as number;
    const last = tf.slice(h, [0, T - 1, 0], [1, 1, h.shape[2] as number]);
    return tf.reshape(model.lmHead(last), [-1]);
  });
  const data = (await logits.data()) as Float32Array;
  logits.dispose();
  return Float32Array.from(data);
}

/** Generate up to `maxNewTokens` tokens after `promptIds` (see the file comment). */
export async function generate(model: CausalLM, promptIds: readonly number[], options: GenerateOptions = {}): Promise<GenerateResult> {
  const o = resolveGenerateOptions(options);
  if (promptIds.length === 0) fail('GENERATE_OPTION_INVALID', 'the prompt is empty', { hint: 'give at least one token (e.g. the BOS token)' });
  if (model.config.modelType === 'gpt2') {
    // Learned absolute positions end at n_positions; fail before generating rather than midway.
    const limit = maxPositionsOf(model.config);
    if (promptIds.length + o.maxNewTokens > limit) {
      fail('GENERATE_OPTION_INVALID', `prompt (${promptIds.length} tokens) + max_new_tokens (${o.maxNewTokens}) exceeds the model's ${limit} positions`, {
        expected: `≤ ${limit} tokens in total`,
        found: String(promptIds.length + o.maxNewTokens),
        hint: `lower --max-new-tokens to ${Math.max(0, limit - promptIds.length)} or shorten the prompt`,
      });
    }
  }
  const rng = new Rng(o.seed);
  const ids = [...promptIds];
  const tokens: number[] = [];
  const cache = o.useCache ? model.newCache() : null;
  let finishReason: FinishReason = 'length';
  try {
    for (let step = 0; step < o.maxNewTokens; step++) {
      const input = cache && step > 0 ? [ids[ids.length - 1] as number] : ids;
      const scores = await nextScores(model, input, cache);
      const next = chooseToken(scores, ids, o, rng);
      ids.push(next);
      tokens.push(next);
      o.onToken?.(next);
      if (o.eosTokenIds.includes(next)) {
        finishReason = 'eos';
        break;
      }
      if (o.decode && o.stopStrings.length > 0) {
        const text = o.decode(tokens);
        if (o.stopStrings.some((s) => text.includes(s))) {
          finishReason = 'stop_string';
          break;
        }
      }
    }
  } finally {
    cache?.dispose();
  }
  return { tokens, finishReason };
}
