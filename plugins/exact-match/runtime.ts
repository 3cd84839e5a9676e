/** The exact-match plugin's tensor side: greedy completions of the held-out prompts. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CausalLM, type PromptTarget, type Tokenizer, type TunePluginHooks, evaluateExactMatch, promptTarget } from '../../src/index.js';
import type { ExactMatchOptions } from './options.js';

interface Score {
  exact_match: number;
  correct: number;
  total: number;
}

/** Hooks scoring `o.data` (absolute) before and after training; `shown` is the path as the recipe wrote it. */
export function exactMatchHooks(o: ExactMatchOptions, shown: string): Pick<TunePluginHooks, 'runBegin' | 'prepareModel' | 'trainBegin' | 'trainEnd'> {
  let model: CausalLM | null = null;
  let tokenizer: Tokenizer | null = null;
  let pairs: PromptTarget[] = [];
  let before: Score | null = null;
  let log: (line: string) => void = () => undefined;

  const score = async (): Promise<Score> => {
    if (!model || !tokenizer) throw new Error('exact-match: no model');
    const tok = tokenizer;
    const r = await evaluateExactMatch(model, pairs, { eosTokenIds: tok.eosTokenIds, decode: (ids) => tok.decode(ids, { skipSpecialTokens: true }) });
    return { exact_match: r.exactMatch, correct: r.correct, total: r.total };
  };
  const show = (s: Score): string => `${s.correct}/${s.total} (${(100 * s.exact_match).toFixed(1)}%)`;

  return {
    async runBegin(info) {
      log = info.log;
      tokenizer = info.session.tokenizer;
      const prepared = await info.session.prepare({ heldOut: o.data });
      const rows = o.limit ? prepared.train.slice(0, o.limit) : prepared.train;
      pairs = rows.map((r) => promptTarget(r.input_ids, r.labels)).filter((p): p is PromptTarget => p !== null);
    },
    prepareModel(m) {
      model = m;
    },
    async trainBegin() {
      if (pairs.length === 0) return;
      before = await score();
      log(`exact-match on ${shown} before training: ${show(before)}`);
    },
    async trainEnd(info) {
      if (pairs.length === 0 || (info.reason !== 'completed' && info.reason !== 'early_stopping')) return;
      const after = await score();
      log(`exact-match on ${shown} after training: ${show(after)}${before ? ` (before: ${show(before)})` : ''}`);
      writeFileSync(join(info.outputDir, 'exact_match.json'), `${JSON.stringify({ data: shown, before, after }, null, 2)}\n`);
    },
  };
}
