/**
 * The Plan is what runs: every shipped recipe is planned the way `tune plan` plans it, then run, and
 * the two must agree — trainable and total parameters exactly, optimizer steps exactly — and the
 * first step's measured peak of live tensor bytes must fall within the stated band of the estimate
 * (re-estimated at the batch shape the step actually had, since rows are padded to the batch's
 * longest, not to sequence_len).
 *
 * The large recipes keep their method, targets, optimizer, schedule, accumulation, epochs and
 * model_type, on a tiny random model of that type (`model.config` below mirrors the real config's
 * structure: GQA, tying, ALiBi, biases), the stories260k tokenizer and tiny-alpaca rows.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { liveBufferBytes } from '../../src/engine/buffer-bytes.js';
import { runRecipe } from '../../src/exec/run-recipe.js';
import { estimateTrainingMemory, formatBytes } from '../../src/plan/memory.js';
import type { Plan } from '../../src/plan/types.js';
import { openRecipe } from '../../src/plugin-host/recipe.js';
import { CATALOG } from '../helpers/plugins.js';
import { runCommand } from '../helpers/io.js';
import { command as planCommand } from '../../src/cli/plan.js';

const REPO = resolve(import.meta.dirname, '../..');
const STORIES = join(REPO, 'models/stories260k');
const ALPACA = join(REPO, 'examples/data/tiny-alpaca.jsonl');

/** The band the measured peak must fall in, as a fraction of the estimate at the measured shape. */
const BAND = { low: 0.7, high: 1.6 };

const small = (shape: Record<string, unknown>): string => `model.config=${JSON.stringify({ vocab_size: 512, ...shape })}`;
const random = (shape: Record<string, unknown>): string[] => ['~model.base', 'model.init=random', small(shape), `tokenizer.path=${STORIES}`];
const alpaca = [`data.datasets=[{path: ${ALPACA}, format: alpaca}]`, 'data.sequence_len=256'];

/** Per shipped recipe: the overrides that make it run here in seconds. */
const SHRINK: Record<string, (dir: string) => string[]> = {
  'recipes/tiny/stories-lora.yaml': () => ['training.max_steps=6'],
  'recipes/tiny/stories-full.yaml': () => ['training.max_steps=6'],
  'recipes/tiny/stories-qlora.yaml': () => ['training.max_steps=6'],
  'recipes/default.yaml': () => [`data.datasets.0.path=${ALPACA}`, 'data.val_set_size=8', 'training.epochs=1', 'plugins.0.options.limit=2'],
  'recipes/smollm2-135m-lora.yaml': () => [
    ...random({ model_type: 'llama', hidden_size: 64, intermediate_size: 128, num_hidden_layers: 2, num_attention_heads: 4, num_key_value_heads: 2, max_position_embeddings: 512, tie_word_embeddings: true }),
    ...alpaca,
    'data.val_set_size=0.1',
    'training.micro_batch_size=4',
  ],
  'recipes/llama3-8b-lora-r128.yaml': () => [
    ...random({ model_type: 'llama', hidden_size: 64, intermediate_size: 224, num_hidden_layers: 2, num_attention_heads: 4, num_key_value_heads: 1, max_position_embeddings: 512, tie_word_embeddings: false, rope_theta: 500000, rope_scaling: { rope_type: 'llama3', factor: 8, low_freq_factor: 1, high_freq_factor: 4, original_max_position_embeddings: 256 } }),
    ...alpaca,
    'method.lora.r=16',
  ],
  'recipes/mpt30b-qlora.yaml': () => [
    ...random({ model_type: 'mpt', d_model: 64, n_heads: 4, n_layers: 2, expansion_ratio: 4, max_seq_len: 512, no_bias: true, attn_config: { alibi: true, alibi_bias_max: 8 } }),
    ...alpaca,
    'method.lora.r=8',
  ],
  'recipes/bloom-6b4-full.yaml': () => [...random({ model_type: 'bloom', hidden_size: 64, n_head: 4, n_layer: 2 }), ...alpaca],
  'recipes/gpt2-pretrain-wikitext2.yaml': (dir) => {
    const rows = readFileSync(ALPACA, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, string>);
    writeFileSync(join(dir, 'text.jsonl'), rows.map((r) => JSON.stringify({ text: `${r['instruction']} ${r['input']} ${r['output']}` })).join('\n'));
    return [small({ model_type: 'gpt2', n_embd: 32, n_layer: 2, n_head: 4, n_positions: 128 }), `tokenizer.path=${STORIES}`, `data.datasets=[{path: ${join(dir, 'text.jsonl')}, format: completion, text_field: text}]`, 'data.sequence_len=64', 'training.micro_batch_size=4', 'training.epochs=2'];
  },
};

interface Row {
  recipe: string;
  trainable: number;
  steps: number;
  planned: number;
  measured: number;
  shape: [number, number];
}

describe('exec: plan vs run on every shipped recipe', function () {
  this.timeout(300_000);
  const rows: Row[] = [];
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'plan-vs-run-'));
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
    // TUNEKIT_PLAN_TABLE=1 prints the figures the band is set from.
    if (rows.length && process.env['TUNEKIT_PLAN_TABLE']) console.log(`\n${rows.map((r) => `    ${r.recipe.padEnd(38)} trainable ${String(r.trainable).padStart(7)}  steps ${String(r.steps).padStart(3)}  planned ${formatBytes(r.planned).padStart(10)}  measured ${formatBytes(r.measured).padStart(10)} at ${r.shape.join('×')}  (${(r.measured / r.planned).toFixed(2)})`).join('\n')}\n`);
  });

  for (const [file, shrink] of Object.entries(SHRINK)) {
    it(file, async () => {
      const out = join(dir, file.replace(/[/.]/g, '_'));
      const overrides = [...shrink(dir), `output.dir=${out}`, 'output.save_steps=1000', 'logging.progress=none'];
      const { recipe, plugins } = await openRecipe(join(REPO, file), { cwd: REPO, overrides, catalog: CATALOG });
      const sink = new Writable({ write: (_c, _e, cb) => cb() });
      // Tensors other tests left alive in this process are not the run's.
      const before = liveBufferBytes();
      const run = await runRecipe(recipe, { plugins, stdout: sink, env: process.env, cwd: REPO });
      assert.equal(liveBufferBytes(), before, 'the run frees every tensor it made');
      // `tune plan` for the backend the run got (auto picks per machine).
      const planned = await runCommand(planCommand, ['--format', 'json', '--backend', run.engine.backend, join(REPO, file), ...overrides]);
      assert.equal(planned.code, 0, planned.err);
      const plan = JSON.parse(planned.out) as Plan;
      assert.equal(run.reason, 'completed');
      assert.equal(run.plan.parameters.trainable, plan.parameters.trainable, 'trainable: run vs tune plan');
      assert.equal(run.plan.parameters.total, plan.parameters.total, 'total: run vs tune plan');
      assert.equal(run.plan.steps.totalSteps, plan.steps.totalSteps, 'steps: run vs tune plan');
      assert.equal(run.steps, plan.steps.totalSteps, 'optimizer steps taken vs planned');
      assert.ok(run.peakTensorBytes, 'the first step is measured');
      const [b, t] = run.peakTensorBytes.batch;
      // XNNPACK's packed weights and the wasm heap guard's reserve are not tfjs tensors: the measured peak cannot see them.
      const e = estimateTrainingMemory({ ...plan.memory.inputs, microBatchSize: b, sequenceLen: t });
      const atShape = e.total - e.packedWeights - e.reserve;
      const measured = run.peakTensorBytes.bytes - before;
      if (process.env['DBG']) console.log('DBG', before, run.peakTensorBytes.bytes, run.engine.backend);
      rows.push({ recipe: file, trainable: plan.parameters.trainable, steps: run.steps, planned: atShape, measured, shape: [b, t] });
      const ratio = measured / atShape;
      assert.ok(ratio >= BAND.low && ratio <= BAND.high, `measured ${formatBytes(measured)} is ${ratio.toFixed(2)} × the estimate ${formatBytes(atShape)} at ${b}×${t}`);
    });
  }
});
