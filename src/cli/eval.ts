import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Command } from './command.js';
import { fail } from '../diagnostics/index.js';
import { type BackendName, initEngine, tf } from '../engine/index.js';
import { loadModel } from '../models/load.js';
import { IGNORE_INDEX, causalLmLoss, lossTargets } from '../models/loss.js';

const USAGE = `usage: tune eval --model DIR [--adapter DIR] --batch FILE.json [--batch-size N] [--backend …] [--format text|json]

Prints the Hugging Face causal-LM loss of a batch: FILE.json holds "input_ids" ([batch][length]) and
optionally "attention_mask" (1 = token, 0 = padding) and "labels" (-100 = ignored; default: input_ids
with -100 on padding). The loss is the mean over all non-ignored tokens of the whole file.`;

export interface EvalBatch {
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

/** Loss of a whole batch file, computed `batchSize` rows at a time with the whole file's token count as divisor. */
export async function evalBatchLoss(model: Awaited<ReturnType<typeof loadModel>>, b: EvalBatch, batchSize: number): Promise<{ loss: number; tokens: number }> {
  const total = lossTargets(b.labels, model.config.vocabSize).rows.length;
  let sum = 0;
  for (let i = 0; i < b.input_ids.length; i += batchSize) {
    const rows = (m: number[][]) => m.slice(i, i + batchSize);
    const part = tf.tidy(() => {
      const logits = model.forward(rows(b.input_ids), { attentionMask: rows(b.attention_mask) });
      return causalLmLoss(logits, rows(b.labels), { numItemsInBatch: 1 }).loss;
    });
    sum += (await part.data())[0] as number;
    part.dispose();
  }
  return { loss: total === 0 ? Number.NaN : sum / total, tokens: total };
}

/** `tune eval`: the HF causal-LM loss of a batch, for quick checks and parity harnesses. */
export const command: Command = {
  name: 'eval',
  summary: 'compute the causal-LM loss of a batch of token ids',
  usage: USAGE,
  async run(argv, io) {
    let values: { model?: string; adapter?: string; batch?: string; 'batch-size'?: string; backend?: string; format?: string; help?: boolean };
    try {
      ({ values } = parseArgs({
        args: argv,
        options: {
          model: { type: 'string', short: 'm' },
          adapter: { type: 'string' },
          batch: { type: 'string' },
          'batch-size': { type: 'string', default: '8' },
          backend: { type: 'string', default: 'auto' },
          format: { type: 'string', default: 'text' },
          help: { type: 'boolean', short: 'h' },
        },
      }));
    } catch (e) {
      fail('CLI_USAGE', (e as Error).message, { hint: USAGE });
    }
    if (values.help) {
      io.stdout.write(`${USAGE}\n`);
      return 0;
    }
    if (!values.model || !values.batch) fail('CLI_USAGE', '--model DIR and --batch FILE.json are required', { hint: USAGE });
    if (values.format !== 'text' && values.format !== 'json') fail('CLI_USAGE', '--format must be text or json', { found: String(values.format) });
    const batchSize = Number(values['batch-size']);
    if (!Number.isInteger(batchSize) || batchSize < 1) fail('CLI_USAGE', '--batch-size must be a positive integer', { found: String(values['batch-size']) });
    const batch = readEvalBatch(resolve(io.cwd, values.batch));
    const engine = await initEngine(values.backend as BackendName);
    io.stderr.write(`${engine.message}\n`);
    const model = await loadModel(resolve(io.cwd, values.model), values.adapter !== undefined ? { adapter: resolve(io.cwd, values.adapter) } : {});
    try {
      const { loss, tokens } = await evalBatchLoss(model, batch, batchSize);
      if (values.format === 'json') io.stdout.write(`${JSON.stringify({ loss, tokens, perplexity: Math.exp(loss) })}\n`);
      else io.stdout.write(`loss ${loss.toFixed(6)}  perplexity ${Math.exp(loss).toFixed(4)}  (${tokens} tokens)\n`);
      return 0;
    } finally {
      model.dispose();
    }
  },
};
