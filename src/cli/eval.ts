import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type CliIO, catalogOf, defineCommand, usage } from './command.js';
import { fail } from '../diagnostics/index.js';
import { type BackendName, initEngine } from '../engine/index.js';
import { type PromptTarget, evaluateExactMatch, promptTarget } from '../generate/evaluate.js';
import type { CausalLM } from '../models/causal-lm.js';
import { loadModel } from '../models/load.js';
import { type EvalBatch as LossBatch, IGNORE_INDEX, evaluateLoss } from '../models/loss.js';

const USAGE = `usage: tune eval --model DIR [--adapter DIR] --batch FILE.json [options]
       tune eval RECIPE [--model DIR] [--adapter DIR] [--split val|train | --data FILE] [--metric loss|exact_match|all] [options]

With --batch: the Hugging Face causal-LM loss of FILE.json, which holds "input_ids" ([batch][length]) and
optionally "attention_mask" (1 = token, 0 = padding) and "labels" (-100 = ignored; default: input_ids
with -100 on padding). The loss is the mean over all non-ignored tokens of the whole file.
With RECIPE: the recipe's prepared dataset split (default val); loss and perplexity, and exact-match
accuracy of greedy completions (prompt = tokens before the first trained label, e.g. Alpaca).
The model defaults to the recipe's model.base. --data FILE evaluates every row of FILE instead, read with
the recipe's first dataset settings (format, template, fields) — e.g. a held-out test file.

  --batch-size N     rows per forward pass (default 8)
  --limit N          evaluate only the first N rows / examples
  --backend auto|native|wasm|cpu|tensorflow
  --format text|json`;

interface EvalBatch {
  input_ids: number[][];
  attention_mask: number[][];
  labels: number[][];
}

function intMatrix(value: unknown, key: string, file: string, rows?: number, cols?: number): number[][] {
  const bad = (msg: string, path: string): never => fail('EVAL_BATCH_INVALID', msg, { file, path });
  if (!Array.isArray(value) || value.length === 0) bad(`\`${key}\` must be a non-empty array of rows`, `/${key}`);
  const m = value as unknown[];
  if (rows !== undefined && m.length !== rows) bad(`\`${key}\` has ${m.length} rows, input_ids has ${rows}`, `/${key}`);
  const width = cols ?? (Array.isArray(m[0]) ? (m[0] as unknown[]).length : 0);
  m.forEach((row, i) => {
    if (!Array.isArray(row) || row.length !== width || row.length === 0) bad(`\`${key}[${i}]\` must be a row of ${width} integers (rows of equal length)`, `/${key}/${i}`);
    (row as unknown[]).forEach((v, j) => {
      if (typeof v !== 'number' || !Number.isInteger(v)) bad(`\`${key}[${i}][${j}]\` must be an integer`, `/${key}/${i}/${j}`);
    });
  });
  return m as number[][];
}

/** Read and validate a batch file (EVAL_BATCH_INVALID with a JSON path on any problem). */
export function readEvalBatch(file: string): EvalBatch {
  let j: unknown;
  try {
    j = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    fail('EVAL_BATCH_INVALID', `cannot read ${file}: ${(e as Error).message}`, { file });
  }
  if (typeof j !== 'object' || j === null || Array.isArray(j)) fail('EVAL_BATCH_INVALID', 'the batch file must hold a JSON object', { file });
  const o = j as Record<string, unknown>;
  const ids = intMatrix(o['input_ids'], 'input_ids', file);
  const B = ids.length;
  const T = ids[0]!.length;
  const mask = o['attention_mask'] === undefined ? ids.map((r) => r.map(() => 1)) : intMatrix(o['attention_mask'], 'attention_mask', file, B, T);
  mask.forEach((r, i) => r.forEach((v, k) => v !== 0 && v !== 1 && fail('EVAL_BATCH_INVALID', 'attention_mask values must be 0 or 1', { file, path: `/attention_mask/${i}/${k}`, found: String(v) })));
  const labels = o['labels'] === undefined ? ids.map((r, i) => r.map((v, k) => (mask[i]![k] === 1 ? v : IGNORE_INDEX))) : intMatrix(o['labels'], 'labels', file, B, T);
  return { input_ids: ids, attention_mask: mask, labels };
}

interface Flags {
  model?: string;
  adapter?: string;
  batch?: string;
  data?: string;
  split: string;
  metric: string;
  limit?: number;
  batchSize: number;
  backend: string;
  format: string;
}

async function openModel(dir: string, f: Flags, io: CliIO): Promise<CausalLM> {
  const engine = await initEngine(f.backend as BackendName);
  io.stderr.write(`${engine.message}\n`);
  return loadModel(dir, f.adapter !== undefined ? { adapter: resolve(io.cwd, f.adapter) } : {});
}

function print(io: CliIO, f: Flags, result: Record<string, number>): void {
  if (f.format === 'json') io.stdout.write(`${JSON.stringify(result)}\n`);
  else io.stdout.write(`${Object.entries(result).map(([k, v]) => `${k} ${Number.isInteger(v) ? v : v.toFixed(6)}`).join('  ')}\n`);
}

async function evalRecipe(file: string, f: Flags, io: CliIO): Promise<number> {
  const [{ openRecipe }, { DataSession }, { collate }] = await Promise.all([import('../plugin-host/recipe.js'), import('../data/session.js'), import('../data/collate.js')]);
  const { recipe, plugins } = await openRecipe(file, { cwd: io.cwd, catalog: catalogOf(io) });
  let modelDir = f.model !== undefined ? resolve(io.cwd, f.model) : recipe.model.base;
  if (modelDir === null || (f.model === undefined && recipe.model.init === 'random')) throw usage('eval', 'this recipe has no pretrained model.base; pass --model DIR (e.g. the run’s output folder)');
  if (f.model === undefined && recipe.model.base_kind === 'hub') {
    const { downloadHubRepo } = await import('../io/hub/index.js');
    modelDir = (await downloadHubRepo(`${modelDir}@${recipe.model.revision}`, recipe.model.offline ? { offline: true } : {})).dir;
  }
  // --data: every row of FILE, read like the recipe's first dataset (format, template, fields), in file order.
  const session = await DataSession.open(recipe, { formats: plugins.formats, env: io.env });
  const tokenizer = session.tokenizer;
  const prepared = await session.prepare(f.data !== undefined ? { heldOut: resolve(io.cwd, f.data) } : {});
  let rows = f.data !== undefined || f.split === 'train' ? prepared.train : prepared.val;
  if (rows.length === 0) fail('CLI_USAGE', `the recipe's ${f.split} split is empty`, { hint: f.split === 'val' ? 'set data.val_set_size in the recipe, or use --split train' : 'check data.datasets' });
  if (f.limit !== undefined) rows = rows.slice(0, f.limit);
  const model = await openModel(modelDir, f, io);
  try {
    const result: Record<string, number> = {};
    if (f.metric === 'loss' || f.metric === 'all') {
      // Rows of different lengths: collate per batch; the loss is weighted by each batch's token count.
      const batches: LossBatch[] = [];
      for (let i = 0; i < rows.length; i += f.batchSize) {
        const b = collate(rows.slice(i, i + f.batchSize), { padTokenId: prepared.padTokenId });
        batches.push(prepared.packed ? b : { input_ids: b.input_ids, labels: b.labels, attention_mask: b.attention_mask });
      }
      const r = evaluateLoss(model, batches);
      Object.assign(result, { loss: r.loss, perplexity: r.perplexity, tokens: r.tokens });
    }
    if (f.metric === 'exact_match' || f.metric === 'all') {
      const pairs: PromptTarget[] = [];
      for (const r of rows) {
        for (const s of [...new Set(r.segment_ids)].filter((x) => x !== 0)) {
          const idx = r.segment_ids.flatMap((x, i) => (x === s ? [i] : []));
          const p = promptTarget(idx.map((i) => r.input_ids[i]!), idx.map((i) => r.labels[i]!));
          if (p) pairs.push(p);
        }
      }
      const em = await evaluateExactMatch(model, f.limit !== undefined ? pairs.slice(0, f.limit) : pairs, {
        eosTokenIds: tokenizer.eosTokenIds,
        decode: (ids) => tokenizer.decode(ids, { skipSpecialTokens: true }),
      });
      Object.assign(result, { exact_match: em.exactMatch, correct: em.correct, examples: em.total });
    }
    print(io, f, result);
    return 0;
  } finally {
    model.dispose();
  }
}

/** `tune eval`: loss of a batch file, or loss / perplexity / exact match on a recipe's dataset. */
export const command = defineCommand({
  name: 'eval',
  summary: 'loss, perplexity or exact-match accuracy of a model (+ adapter) on a batch or a recipe’s data',
  usage: USAGE,
  options: {
    model: { type: 'string', short: 'm' },
    adapter: { type: 'string' },
    batch: { type: 'string' },
    data: { type: 'string' },
    split: { type: 'string', default: 'val' },
    metric: { type: 'string', default: 'loss' },
    limit: { type: 'string' },
    'batch-size': { type: 'string', default: '8' },
    backend: { type: 'string', default: 'auto' },
    format: { type: 'string', default: 'text' },
  },
  async run({ values, positionals }, io) {
    const str = (k: keyof typeof values): string | undefined => (typeof values[k] === 'string' ? (values[k] as string) : undefined);
    const posInt = (k: 'limit' | 'batch-size'): number | undefined => {
      const v = str(k);
      if (v === undefined) return undefined;
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1) fail('CLI_USAGE', `--${k} must be a positive integer`, { found: v, hint: USAGE });
      return n;
    };
    const f: Flags = { split: str('split') ?? 'val', metric: str('metric') ?? 'loss', batchSize: posInt('batch-size') ?? 8, backend: str('backend') ?? 'auto', format: str('format') ?? 'text' };
    for (const k of ['model', 'adapter', 'batch', 'data'] as const) if (str(k) !== undefined) f[k] = str(k) as string;
    const limit = posInt('limit');
    if (limit !== undefined) f.limit = limit;
    if (f.format !== 'text' && f.format !== 'json') fail('CLI_USAGE', '--format must be text or json', { found: f.format });
    if (f.split !== 'val' && f.split !== 'train') fail('CLI_USAGE', '--split must be val or train', { found: f.split });
    if (!['loss', 'exact_match', 'all'].includes(f.metric)) fail('CLI_USAGE', '--metric must be loss, exact_match or all', { found: f.metric });
    if ((f.batch === undefined) === (positionals.length === 0) || positionals.length > 1) fail('CLI_USAGE', 'give either --batch FILE.json or one RECIPE file', { hint: USAGE });
    if (positionals.length === 1) return evalRecipe(resolve(io.cwd, positionals[0]!), f, io);
    if (f.model === undefined) fail('CLI_USAGE', '--model DIR is required with --batch', { hint: USAGE });
    const batch = readEvalBatch(resolve(io.cwd, f.batch as string));
    const model = await openModel(resolve(io.cwd, f.model), f, io);
    try {
      const n = Math.min(f.limit ?? Infinity, batch.input_ids.length);
      const batches: LossBatch[] = [];
      for (let i = 0; i < n; i += f.batchSize) {
        const end = Math.min(n, i + f.batchSize);
        batches.push({ input_ids: batch.input_ids.slice(i, end), labels: batch.labels.slice(i, end), attention_mask: batch.attention_mask.slice(i, end) });
      }
      const r = evaluateLoss(model, batches);
      print(io, f, { loss: r.loss, perplexity: r.perplexity, tokens: r.tokens });
      return 0;
    } finally {
      model.dispose();
    }
  },
});
