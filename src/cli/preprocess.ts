import { isAbsolute, relative } from 'node:path';
import { renderRow, rowsToJson } from '../data/inspect.js';
import { DataSession } from '../data/session.js';
import type { DatasetStats } from '../data/stats.js';
import { openRecipe } from '../plugin-host/recipe.js';
import { catalogOf, defineCommand, usage } from './command.js';

const USAGE = `usage: tune preprocess RECIPE [--inspect N] [--split train|val] [--format text|json] [--no-cache] [--set key=value ...]

Tokenizes the recipe's datasets into the prepared cache (data.cache_dir) and reports counts.
--inspect N prints N rows with every trained token (label != -100) marked: green on a terminal,
[[in double brackets]] otherwise; with --format json they print as [{"input_ids": [...], "labels": [...]}].`;

function summary(s: DatasetStats, cwd: string): string {
  const shown = isAbsolute(s.path) ? relative(cwd, s.path) : s.path;
  const parts = [`${s.rows} rows → ${s.examples} examples`];
  if (s.skipped) parts.push(`${s.skipped} bad rows skipped`);
  if (s.empty) parts.push(`${s.empty} empty`);
  if (s.truncated) parts.push(`${s.truncated} truncated`);
  if (s.dropped) parts.push(`${s.dropped} dropped (too long)`);
  parts.push(`${s.tokens} tokens, ${s.trainedTokens} trained`);
  const lines = [`dataset ${s.index} ${shown} (${s.format}, ${s.files} file${s.files === 1 ? '' : 's'}): ${parts.join(', ')}${s.cacheHit ? ' [cached]' : ''}`];
  for (const x of s.skippedSamples) lines.push(`  skipped ${x}`);
  return lines.join('\n');
}

/** `tune preprocess`: build the prepared-data cache and show what the model will be trained on. */
export const command = defineCommand({
  name: 'preprocess',
  summary: 'tokenize the datasets of a recipe (cached) and inspect trained tokens',
  usage: USAGE,
  options: {
    inspect: { type: 'string' },
    split: { type: 'string', default: 'train' },
    format: { type: 'string', default: 'text' },
    'no-cache': { type: 'boolean', default: false },
    set: { type: 'string', multiple: true },
  },
  async run({ values, positionals }, io) {
    if (positionals.length !== 1) throw usage('preprocess', 'give exactly one RECIPE file');
    if (values.format !== 'text' && values.format !== 'json') throw usage('preprocess', '--format must be text or json', { found: String(values.format) });
    if (values.split !== 'train' && values.split !== 'val') throw usage('preprocess', '--split must be train or val', { found: String(values.split) });
    let inspect: number | undefined;
    if (values.inspect !== undefined) {
      inspect = Number(values.inspect);
      if (!Number.isInteger(inspect) || inspect < 0) throw usage('preprocess', '--inspect takes a count of rows', { found: values.inspect });
    }

    const { recipe, plugins } = await openRecipe(positionals[0]!, { cwd: io.cwd, overrides: values.set ?? [], catalog: catalogOf(io) });
    const session = await DataSession.open(recipe, { formats: plugins.formats, env: io.env });
    const tokenizer = session.tokenizer;
    const prepared = await session.prepare({
      cache: !values['no-cache'],
      ...(io.stderr.isTTY ? { onProgress: ({ dataset, done, total }: { dataset: number; done: number; total: number }) => io.stderr.write(`\rdataset ${dataset}: ${done}/${total} rows`) } : {}),
    });
    if (io.stderr.isTTY) io.stderr.write('\r\u001b[K');
    const rows = values.split === 'val' ? prepared.val : prepared.train;
    const refs = values.split === 'val' ? prepared.valRefs : prepared.trainRefs;
    if (values.format === 'json') {
      const out = inspect !== undefined ? rowsToJson(rows.slice(0, inspect), prepared.packed) : { datasets: prepared.stats, train_rows: prepared.train.length, val_rows: prepared.val.length, packed: prepared.packed };
      io.stdout.write(`${JSON.stringify(out)}\n`);
      return 0;
    }
    const lines = prepared.stats.map((s) => summary(s, io.cwd));
    lines.push(`train: ${prepared.train.length} rows, val: ${prepared.val.length} rows${prepared.packed ? ' (packed)' : ''}, sequence_len ${recipe.data.sequence_len}, cache ${recipe.data.cache_dir}`);
    io.stdout.write(`${lines.join('\n')}\n`);
    if (inspect !== undefined) {
      const color = io.stdout.isTTY === true && !io.env['NO_COLOR'];
      for (let i = 0; i < Math.min(inspect, rows.length); i++) io.stdout.write(`\n${renderRow(tokenizer, rows[i]!, refs[i] ?? [], i, { color })}`);
    }
    return 0;
  },
});
