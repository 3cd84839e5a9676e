/**
 * `exact-match`: scores the model on a held-out file before and after training — greedy
 * completions of each row's prompt compared with its answer (EOS stripped, whitespace trimmed) — and
 * writes `exact_match.json` into the output folder. Rows are read with the recipe's first dataset
 * settings (format, template, fields).
 *
 *   plugins:
 *     - use: exact-match
 *       options: { data: ../examples/data/tasks-test.jsonl }
 */
import { writeFileSync } from 'node:fs';
import { resolve, join } from 'node:path';
import { definePlugin } from '../../src/plugin-host/index.js';
import { builtinFormats } from '../../src/data/builtin-formats.js';
import { dataConfigFromRecipe, tokenizerFromRecipe } from '../../src/data/from-recipe.js';
import { prepareData } from '../../src/data/prepare.js';
import { evaluateExactMatch, promptTarget, type PromptTarget } from '../../src/generate/evaluate.js';
import { loadTokenizer } from '../../src/tokenizer/index.js';
import type { Tokenizer } from '../../src/tokenizer/types.js';
import type { CausalLM } from '../../src/models/causal-lm.js';
import type { RunContext } from '../../src/train/run-context.js';

interface Options {
  data: string;
  limit?: number;
}

interface Score {
  exact_match: number;
  correct: number;
  total: number;
}

export default definePlugin({
  name: 'exact-match',
  version: '0.1.0',
  description: 'exact-match accuracy of greedy completions on a held-out file, before and after training',
  options: {
    type: 'object',
    properties: {
      data: { type: 'string', minLength: 1, description: 'held-out rows, read like the recipe’s first dataset (path relative to the recipe)' },
      limit: { type: 'integer', minimum: 1, description: 'score only the first N rows' },
    },
    required: ['data'],
    additionalProperties: false,
  },
  setup: (o: Options, setupCtx) => {
    let model: CausalLM | null = null;
    let ctx: RunContext | null = null;
    let pairs: PromptTarget[] = [];
    let tokenizer: Tokenizer | null = null;
    let before: Score | null = null;

    const score = async (): Promise<Score> => {
      if (!model || !tokenizer) throw new Error('exact-match: no model');
      const tok = tokenizer;
      const r = await evaluateExactMatch(model, pairs, { eosTokenIds: tok.eosTokenIds, decode: (ids) => tok.decode(ids, { skipSpecialTokens: true }) });
      return { exact_match: r.exactMatch, correct: r.correct, total: r.total };
    };
    const show = (s: Score): string => `${s.correct}/${s.total} (${(100 * s.exact_match).toFixed(1)}%)`;

    return {
      async prepareModel(m, c) {
        model = m;
        ctx = c;
        const recipe = c.recipe;
        const first = recipe.data.datasets[0];
        if (!first) return;
        const t = await tokenizerFromRecipe(recipe);
        tokenizer = await loadTokenizer(t.dir, t.overrides);
        const held = { ...recipe, data: { ...recipe.data, datasets: [{ ...first, path: resolve(setupCtx.baseDir, o.data), path_kind: 'local' as const }], val_set_size: 0, shuffle: false } };
        const formats = builtinFormats();
        const prepared = await prepareData({ data: dataConfigFromRecipe(held, formats), tokenizer, formats, seed: recipe.training.seed });
        const rows = o.limit ? prepared.train.slice(0, o.limit) : prepared.train;
        pairs = rows.map((r) => promptTarget(r.input_ids, r.labels)).filter((p): p is PromptTarget => p !== null);
      },
      async trainBegin() {
        if (!ctx || pairs.length === 0) return;
        before = await score();
        ctx.log(`exact-match on ${o.data} before training: ${show(before)}`);
      },
      async trainEnd(info) {
        if (!ctx || pairs.length === 0 || info.reason === 'interrupted' || info.reason === 'non_finite_loss') return;
        const after = await score();
        ctx.log(`exact-match on ${o.data} after training: ${show(after)}${before ? ` (before: ${show(before)})` : ''}`);
        writeFileSync(join(info.outputDir, 'exact_match.json'), `${JSON.stringify({ data: o.data, before, after }, null, 2)}\n`);
      },
    };
  },
});
