/**
 * Exact-match accuracy of greedy completions of prompt → target examples (an Alpaca task set's
 * metric). The loss over many batches is `evaluateLoss` in models/loss.ts.
 */
import type { CausalLM } from '../models/causal-lm.js';
import { IGNORE_INDEX } from '../models/loss.js';
import { generate } from './generate.js';

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
