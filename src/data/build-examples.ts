import { type CoreCode, TuneError, diag } from '../diagnostics/index.js';
import type { RecipePosition, TruncationPolicy, BadRowPolicy } from './config.js';
import { type DatasetFormat, type Example, type FormatContext, IGNORE_INDEX, type RowProblem, type RowRef, isRowError } from './format.js';
import { rowDiagnostic } from './row-diagnostic.js';
import type { SourceRow } from './sources/source-row.js';
import { type DatasetStats, emptyStats } from './stats.js';
import { truncateExample } from './truncate.js';

/** Examples of one dataset with the row each came from (a completion block: the row it starts in). */
export interface DatasetExamples {
  examples: Example[];
  refs: RowRef[];
  stats: DatasetStats;
}

export interface BuildOptions {
  index: number;
  path: string;
  files: number;
  onBadRow: BadRowPolicy;
  truncation: TruncationPolicy;
  /** Recipe position of the dataset entry, for dataset-level lints. */
  at?: RecipePosition | undefined;
  /** Called every {@link PROGRESS_EVERY} rows with the number of rows done. */
  onProgress?: ((done: number, total: number) => void) | undefined;
}

/** Rows between progress reports. */
export const PROGRESS_EVERY = 2000;

const MAX_SAMPLES = 5;

/**
 * Turn a dataset's rows into examples through its format: validate, convert, truncate, lint. Bad rows
 * fail with file/row/field (or are counted under `on_bad_row: skip`).
 */
export function buildExamples(rows: readonly SourceRow[], format: DatasetFormat, ctx: FormatContext, opts: BuildOptions): DatasetExamples {
  const stats = emptyStats(opts.index, opts.path, format.name);
  stats.files = opts.files;
  stats.rows = rows.length;
  const examples: Example[] = [];
  const refs: RowRef[] = [];
  const bad = (ref: RowRef, p: RowProblem, code?: CoreCode, hint?: string): void => {
    if (opts.onBadRow === 'error') throw new TuneError(rowDiagnostic(ref, p, code, hint));
    stats.skipped++;
    if (stats.skippedSamples.length < MAX_SAMPLES) stats.skippedSamples.push(`${ref.file}:${ref.row}: ${p.field === '(row)' ? '' : `${p.field} `}${p.message}`);
  };
  const max = ctx.sequenceLen;
  let done = 0;
  for (const r of rows) {
    if (opts.onProgress && ++done % PROGRESS_EVERY === 0) opts.onProgress(done, rows.length);
    if (r.error || !r.data) {
      bad(r.ref, { field: '(row)', message: r.error?.message ?? 'is unreadable', ...(r.error?.expected ? { expected: r.error.expected } : {}), ...(r.error?.found ? { found: r.error.found } : {}) });
      continue;
    }
    const problem = format.validateRow(r.data, ctx);
    if (problem) {
      bad(r.ref, problem);
      continue;
    }
    let ex: Example | null;
    try {
      ex = format.toExample(r.data, ctx);
    } catch (e) {
      if (isRowError(e)) {
        bad(r.ref, e.problem);
        continue;
      }
      throw e;
    }
    if (ex === null) {
      stats.empty++;
      continue;
    }
    if (!format.fixedLength) {
      const t = truncateExample(ex, max, opts.truncation);
      if (t.kind === 'drop') {
        stats.dropped++;
        continue;
      }
      if (t.kind === 'error') {
        throw new TuneError(
          rowDiagnostic(r.ref, { field: '(row)', message: `is ${t.length} tokens long, over data.sequence_len ${max}`, expected: `at most ${max} tokens`, found: `${t.length}` }, 'DATA_TOO_LONG', 'raise data.sequence_len, or set data.truncation to `truncate` (keep the head) or `drop`'),
        );
      }
      if (t.truncated) stats.truncated++;
      ex = t.example;
      if (!ex.labels.some((l) => l !== IGNORE_INDEX)) {
        bad(
          r.ref,
          { field: '(row)', message: `has no trained token (every label is -100${t.truncated ? ' after truncation to sequence_len' : ''})`, expected: 'at least one label != -100', found: `${ex.input_ids.length} tokens, all masked` },
          'DATA_NO_TRAINED_TOKENS',
          t.truncated ? 'the prompt fills data.sequence_len: raise it, set truncation: drop, or on_bad_row: skip' : 'the row has nothing to learn (empty output?); fix it or set on_bad_row: skip',
        );
        continue;
      }
    }
    examples.push(ex);
    refs.push(r.ref);
  }
  let out = examples;
  let outRefs = refs;
  if (format.finalize) {
    out = format.finalize(examples, ctx);
    // A block's row is the row its first token came from.
    outRefs = [];
    let doc = 0;
    let docEnd = examples[0]?.input_ids.length ?? 0;
    for (let b = 0; b < out.length; b++) {
      const start = b * max;
      while (start >= docEnd && doc < examples.length - 1) docEnd += examples[++doc]!.input_ids.length;
      outRefs.push(refs[doc] ?? { file: opts.path, row: 0 });
    }
  }
  stats.examples = out.length;
  const eos = ctx.tokenizer.eosTokenId;
  let eosTrained = false;
  for (const e of out) {
    stats.tokens += e.input_ids.length;
    for (const l of e.labels) {
      if (l !== IGNORE_INDEX) {
        stats.trainedTokens++;
        if (l === eos) eosTrained = true;
      }
    }
  }
  if (out.length > 0 && format.promisesEos(ctx) && !eosTrained) {
    throw new TuneError(
      diag('DATA_EOS_NEVER_TRAINED', `dataset ${opts.index} (${opts.path}, format ${format.name}) never trains the EOS token \`${ctx.tokenizer.eosToken}\` (id ${eos})`, {
        ...opts.at,
        expected: 'the EOS token trained at the end of examples',
        found: `${out.length} examples, none with a trained EOS`,
        hint: 'the model would never learn to stop: check that eos_token is a special token of the tokenizer and that truncation does not cut every answer',
      }),
    );
  }
  return { examples: out, refs: outRefs, stats };
}
