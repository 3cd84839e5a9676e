/**
 * Evaluation of a model on token batches: the HF causal-LM loss over many rows (summed and divided
 * by the token count of the whole set, so batch size does not change the result) and exact-match
 * accuracy of greedy completions of prompt → target examples (an Alpaca task set's metric).
 */
import { tf } from '../engine/index.js';
import type { CausalLM, ForwardOptions } from '../models/causal-lm.js';
import { IGNORE_INDEX, causalLmLoss, lossTargets } from '../models/loss.js';
import { generate } from './generate.js';

/** Rows of token ids with labels; optional masks, positions and segment ids (packed rows). */
export interface EvalRows {
  input_ids: number[][];
  labels: number[][];
  attention_mask?: number[][];
  position_ids?: number[][];
  segment_ids?: number[][];
}

export interface LossSummary {
  loss: number;
  /** Number of tokens that carry a loss. */
  tokens: number;
  perplexity: number;
}

/** Mean token loss over all rows (rows of one batch must have equal length), `batchSize` rows per forward. */
export async function evaluateLoss(model: CausalLM, rows: EvalRows, batchSize = 8): Promise<LossSummary> {
  const total = lossTargets(rows.labels, model.config.vocabSize).rows.length;
  let sum = 0;
  for (let i = 0; i < rows.input_ids.length; i += batchSize) {
    const take = (m: number[][] | undefined): number[][] | undefined => m?.slice(i, i + batchSize);
    const opts: ForwardOptions = {};
    const am = take(rows.attention_mask);
    const pos = take(rows.position_ids);
    const seg = take(rows.segment_ids);
    if (am) opts.attentionMask = am;
    if (pos) opts.positionIds = pos;
    if (seg) opts.segmentIds = seg;
    const part = tf.tidy(() => causalLmLoss(model.forward(take(rows.input_ids) as number[][], opts), take(rows.labels) as number[][], { numItemsInBatch: 1 }).loss);
    sum += (await part.data())[0] as number;
    part.dispose();
  }
  const loss = total === 0 ? Number.NaN : sum / total;
  return { loss, tokens: total, perplexity: Math.exp(loss) };
}

/** One prompt → target pair: the prompt is the leading tokens whose labels are ignored. */
export interface PromptTarget {
  prompt: number[];
  target: number[];
}

/** Split an example (`input_ids`, `labels`) at its first trained label. Null when nothing is trained. */
export function promptTarget(inputIds: readonly number[], labels: readonly number[]): PromptTarget | null {
  const first = labels.findIndex((l) => l !== IGNORE_INDEX);
  if (first <= 0) return null;
  return { prompt: inputIds.slice(0, first), target: inputIds.slice(first) };
}

export interface ExactMatchOptions {
  /** Ids that end a completion (the tokenizer's EOS ids). */
  eosTokenIds: readonly number[];
  /** Text of ids (special tokens skipped); completions match when their trimmed texts are equal. */
  decode: (ids: number[]) => string;
  /** Extra tokens allowed beyond the target length before giving up. Default 8. */
  slack?: number;
  onExample?: (i: number, ok: boolean, got: string, want: string) => void;
}

export interface ExactMatchSummary {
  exactMatch: number;
  correct: number;
  total: number;
}

/** Greedy-complete every prompt and compare with its target (EOS stripped, whitespace trimmed). */
export async function evaluateExactMatch(model: CausalLM, pairs: readonly PromptTarget[], o: ExactMatchOptions): Promise<ExactMatchSummary> {
  const stripEos = (ids: number[]): number[] => {
    const k = ids.findIndex((t) => o.eosTokenIds.includes(t));
    return k < 0 ? ids : ids.slice(0, k);
  };
  let correct = 0;
  for (const [i, p] of pairs.entries()) {
    const r = await generate(model, p.prompt, { maxNewTokens: p.target.length + (o.slack ?? 8), eosTokenId: [...o.eosTokenIds] });
    const got = o.decode(stripEos(r.tokens)).trim();
    const want = o.decode(stripEos(p.target)).trim();
    const ok = got === want;
    if (ok) correct++;
    o.onExample?.(i, ok, got, want);
  }
  return { exactMatch: pairs.length === 0 ? Number.NaN : correct / pairs.length, correct, total: pairs.length };
}
