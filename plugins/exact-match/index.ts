/**
 * `exact-match`: scores the model on a held-out file before and after training — greedy
 * completions of each row's prompt compared with its answer (EOS stripped, whitespace trimmed) — and
 * writes `exact_match.json` into the output folder. Rows are read with the recipe's first dataset
 * settings (format, template, fields), through the run's data session.
 *
 *   plugins:
 *     - use: exact-match
 *       options: { data: ../examples/data/tasks-test.jsonl }
 */
import { resolve } from 'node:path';
import { definePlugin, lazyHooks } from '../../src/plugin-api.js';
import type { ExactMatchOptions } from './options.js';

export type { ExactMatchOptions };

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
  setup: (o: ExactMatchOptions, ctx) =>
    lazyHooks(async () => (await import('./runtime.js')).exactMatchHooks({ ...o, data: resolve(ctx.baseDir, o.data) }, o.data), ['runBegin', 'prepareModel', 'trainBegin', 'trainEnd']),
});
