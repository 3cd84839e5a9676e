import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { main } from '../../src/cli/main.js';
import { loadSafetensors } from '../../src/io/safetensors/index.js';
import { captureIO } from '../helpers/io.js';

const MODEL = resolve('models/stories260k');
const DATA = resolve('examples/data/tiny-alpaca.jsonl');

/** Token rows of different lengths and label counts (ids < 512, the stories vocabulary). */
function tokenRows(): string {
  const rows = [5, 9, 14, 7, 12, 6, 10, 8].map((n, i) => {
    const ids = Array.from({ length: n }, (_, t) => 3 + ((i * 37 + t * 11) % 500));
    const labels = ids.map((id, t) => (t < Math.floor(n / 3) ? -100 : id));
    return JSON.stringify({ input_ids: ids, labels });
  });
  return `${rows.join('\n')}\n`;
}

function recipe(body: string): string {
  return `recipe_version: 1
model:
  base: ${MODEL}
logging:
  steps: 1
  progress: none
engine:
  backend: wasm
${body}`;
}

describe('tune run: accumulation, evaluation, early stopping, loggers, signals', function () {
  this.timeout(120_000);
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'runf-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
    const io = captureIO(dir);
    const code = await main(['run', ...args], io);
    return { code, out: io.out(), err: io.err() };
  }

  it('gradient accumulation normalises over the whole batch: 2 micro-batches of 2 equal one batch of 4', async () => {
    writeFileSync(join(dir, 'rows.jsonl'), tokenRows());
    writeFileSync(
      join(dir, 'r.yaml'),
      recipe(`data:
  datasets: [{path: ./rows.jsonl, format: tokenized}]
  sequence_len: 32
  shuffle: false
method:
  kind: lora
  lora: {r: 4, alpha: 8, dropout: 0.0, target_modules: [q_proj, v_proj]}
optimizer: {name: adamw, lr: 1.0e-2}
schedule: {name: constant}
training: {max_steps: 2, micro_batch_size: 4, gradient_accumulation_steps: 1}
`),
    );
    const big = await run(['r.yaml', 'output.dir=./big']);
    assert.equal(big.code, 0, big.err);
    const acc = await run(['r.yaml', 'output.dir=./acc', 'training.micro_batch_size=2', 'training.gradient_accumulation_steps=2']);
    assert.equal(acc.code, 0, acc.err);
    const a = await loadSafetensors(join(dir, 'big', 'adapter', 'adapter_model.safetensors'));
    const b = await loadSafetensors(join(dir, 'acc', 'adapter', 'adapter_model.safetensors'));
    let worst = 0;
    for (const [k, t] of a) (t.data as Float32Array).forEach((v, i) => (worst = Math.max(worst, Math.abs(v - ((b.get(k)?.data as Float32Array)[i] as number)))));
    // float32 summation order moves weights by ~1e-6; normalising per micro-batch instead would move them by ~lr (1e-2).
    assert.ok(worst < 2e-5, `max weight difference ${worst}`);
    const losses = (d: string): number[] => readFileSync(join(dir, d, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; loss: number }).filter((r) => r.type === 'train').map((r) => r.loss);
    losses('big').forEach((l, i) => assert.ok(Math.abs(l - (losses('acc')[i] as number)) < 1e-5));
  });

  it('evaluates every eval.steps (loss and perplexity), stops early after `patience` evaluations without improvement, writes TensorBoard scalars', async () => {
    writeFileSync(
      join(dir, 'r.yaml'),
      recipe(`data:
  datasets: [{path: ${DATA}, format: alpaca}]
  sequence_len: 256
  val_set_size: 6
method:
  kind: lora
  lora: {r: 4, alpha: 8, target_modules: [q_proj, v_proj]}
optimizer: {name: adamw, lr: 1.0e-3}
training: {max_steps: 10, micro_batch_size: 4}
eval:
  steps: 1
  early_stopping: {patience: 2, min_delta: 100}
output: {dir: ./out}
`),
    );
    const r = await run(['r.yaml', 'logging.tensorboard=true']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /done: 3 steps \(early_stopping\)/);
    const recs = readFileSync(join(dir, 'out', 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; step: number; loss: number; perplexity: number; reason?: string });
    const evals = recs.filter((x) => x.type === 'eval');
    assert.deepEqual(evals.map((e) => e.step), [1, 2, 3]);
    for (const e of evals) assert.ok(Math.abs(e.perplexity - Math.exp(e.loss)) < 1e-9 * e.perplexity);
    assert.equal(recs.at(-1)?.reason, 'early_stopping');
    assert.ok(existsSync(join(dir, 'out', 'adapter', 'adapter_model.safetensors')), 'an early-stopped run still exports');
    const runs = readdirSync(join(dir, 'out', 'runs', 'r'));
    assert.equal(runs.length, 1);
    const ev = readFileSync(join(dir, 'out', 'runs', 'r', runs[0] as string)).toString('latin1');
    for (const tag of ['train/loss', 'train/learning_rate', 'train/grad_norm', 'eval/loss', 'eval/ppl']) assert.ok(ev.includes(tag), tag);
  });

  it('SIGINT finishes the step, saves a checkpoint and exits 130; --resume completes the run', async () => {
    writeFileSync(
      join(dir, 'r.yaml'),
      recipe(`data:
  datasets: [{path: ${DATA}, format: alpaca}]
  sequence_len: 256
method:
  kind: lora
  lora: {r: 4, alpha: 8, target_modules: [q_proj, v_proj]}
optimizer: {name: adamw, lr: 1.0e-3}
training: {max_steps: 60, micro_batch_size: 2}
output: {dir: ./out}
`),
    );
    const child = spawn(process.execPath, ['--import', pathToFileURL(resolve('node_modules/tsx/dist/loader.mjs')).href, resolve('src/cli/main.ts'), 'run', 'r.yaml', 'logging.progress=plain'], { cwd: dir, env: { ...process.env, CI: '1' } });
    let out = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((resolveExit) => {
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (/step 2\/60/.test(out) && !child.killed) child.kill('SIGINT');
      });
      child.on('exit', (c) => resolveExit(c));
    });
    assert.equal(code, 130, `${out}\n${err}`);
    assert.match(out, /SIGINT: finishing the current step, then saving a checkpoint/);
    assert.match(err, /interrupted at step \d+; a checkpoint is in .*out\. Continue with: tune run r\.yaml --resume/);
    assert.doesNotMatch(err, /INTERNAL|at .*\.ts:\d+/);
    const ckpt = readdirSync(join(dir, 'out')).filter((n) => n.startsWith('checkpoint-'));
    assert.equal(ckpt.length, 1);
    assert.ok(!readdirSync(join(dir, 'out')).some((n) => n.startsWith('.')), 'no temporary folders left');
    const resumed = await run(['r.yaml', '--resume']);
    assert.equal(resumed.code, 0, resumed.err);
    assert.match(resumed.out, /done: 60 steps \(completed\)/);
  });
});
