/**
 * HF transformers' logits processors and warpers (generation/logits_process.py), on one row of
 * scores in host memory, modified in place. Filtered entries become −Infinity, as HF's
 * `filter_value`. `ids` is the whole sequence so far (prompt + generated), as HF's `input_ids`.
 */

/** RepetitionPenaltyLogitsProcessor: every token already in `ids` gets score·p if < 0, else score/p. */
export function applyRepetitionPenalty(scores: Float32Array, ids: readonly number[], penalty: number): void {
  // HF gathers then scatters: a repeated id is penalised once, from its original score.
  for (const id of new Set(ids)) {
    const s = scores[id] as number;
    scores[id] = s < 0 ? s * penalty : s / penalty;
  }
}

/** Tokens that would complete an n-gram already present in `ids` (HF `_calc_banned_ngram_tokens`). */
export function bannedNgramTokens(ids: readonly number[], n: number): number[] {
  const cur = ids.length;
  if (cur + 1 < n) return [];
  const prefix = ids.slice(cur + 1 - n, cur).join(',');
  const banned: number[] = [];
  for (let i = 0; i + n <= cur; i++) {
    if (ids.slice(i, i + n - 1).join(',') === prefix) banned.push(ids[i + n - 1] as number);
  }
  return banned;
}

/** NoRepeatNGramLogitsProcessor. */
export function applyNoRepeatNgram(scores: Float32Array, ids: readonly number[], n: number): void {
  for (const t of bannedNgramTokens(ids, n)) scores[t] = -Infinity;
}

/** TemperatureLogitsWarper: scores / temperature. */
export function applyTemperature(scores: Float32Array, temperature: number): void {
  for (let i = 0; i < scores.length; i++) scores[i] = (scores[i] as number) / temperature;
}

/** TopKLogitsWarper: drop scores strictly below the k-th largest (ties with it survive). */
export function applyTopK(scores: Float32Array, k: number, minTokensToKeep = 1): void {
  const kk = Math.min(Math.max(k, minTokensToKeep), scores.length);
  if (kk >= scores.length) return;
  const kth = kthLargest(scores, kk);
  for (let i = 0; i < scores.length; i++) if ((scores[i] as number) < kth) scores[i] = -Infinity;
}

/**
 * TopPLogitsWarper: sort ascending, softmax, cumulative sum; drop entries whose cumulative
 * probability is ≤ 1 − top_p, always keeping the `minTokensToKeep` largest.
 */
export function applyTopP(scores: Float32Array, topP: number, minTokensToKeep = 1): void {
  const order = Array.from(scores.keys()).sort((a, b) => (scores[a] as number) - (scores[b] as number) || a - b);
  const sorted = order.map((i) => scores[i] as number);
  const probs = softmax(sorted);
  let cum = 0;
  const remove: number[] = [];
  for (let j = 0; j < order.length - minTokensToKeep; j++) {
    cum = Math.fround(cum + (probs[j] as number));
    if (cum <= 1 - topP) remove.push(order[j] as number);
    else break;
  }
  for (const i of remove) scores[i] = -Infinity;
}

/** Numerically stable softmax (−Infinity → 0). */
export function softmax(scores: ArrayLike<number>): Float64Array {
  let max = -Infinity;
  for (let i = 0; i < scores.length; i++) if ((scores[i] as number) > max) max = scores[i] as number;
  const out = new Float64Array(scores.length);
  let sum = 0;
  for (let i = 0; i < scores.length; i++) {
    const e = Math.exp((scores[i] as number) - max);
    out[i] = e;
    sum += e;
  }
  for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) / sum;
  return out;
}

/** Index of the first maximum (torch.argmax). */
export function argmax(scores: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < scores.length; i++) if ((scores[i] as number) > (scores[best] as number)) best = i;
  return best;
}

function kthLargest(scores: Float32Array, k: number): number {
  // A copy sorted descending; vocabularies are small enough (≤ ~256k) for this to be cheap per token.
  const copy = Float32Array.from(scores).sort();
  return copy[copy.length - k] as number;
}
