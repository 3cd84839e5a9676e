import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { main } from '../../src/cli/main.js';
import { loadRecipe } from '../../src/recipe/index.js';
import { runRecipe } from '../../src/exec/run-recipe.js';
import { CATALOG } from '../helpers/plugins.js';
import { loadSafetensors } from '../../src/io/safetensors/index.js';
import { isTuneError } from '../../src/diagnostics/index.js';
import { captureIO } from '../helpers/io.js';

const MODEL = resolve('models/stories260k');
const DATA = resolve('examples/data/tiny-alpaca.jsonl');

function recipe(extra = ''): string {
  return `recipe_version: 1
model:
  base: ${MODEL}
data:
  datasets:
    - path: ${DATA}
      format: alpaca
  sequence_len: 256
  val_set_size: 4
method:
  kind: lora
  lora:
    r: 4
    alpha: 8
    dropout: 0.1
    target_modules: [q_proj, v_proj]
optimizer:
  name: adamw
  lr: 3.0e-3
  weight_decay: 0.01
schedule:
  name: cosine
  warmup_steps: 2
training:
  max_steps: 6
  micro_batch_size: 4
  gradient_accumulation_steps: 2
logging:
  steps: 1
  progress: none
output:
  dir: ./out
  save_steps: 2
  save_total_limit: 2
engine:
  backend: wasm
${extra}`;
}

describe('tune run: checkpoints, resume, interruption', function () {
  this.timeout(120_000);
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'run-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function run(args: string[], cwd = dir): Promise<{ code: number; out: string; err: string }> {
    const io = captureIO(cwd);
    const code = await main(['run', ...args], io);
    return { code, out: io.out(), err: io.err() };
  }

  it('an interrupted run resumed from its checkpoint ends with identical weights (dropout on, accumulation 2)', async () => {
    writeFileSync(join(dir, 'r.yaml'), recipe());
    const full = await run(['r.yaml', 'output.dir=./full']);
    assert.equal(full.code, 0, full.err);
    // Interrupt after 3 steps (as a SIGINT would), then resume.
    const r = await loadRecipe(join(dir, 'r.yaml'), { overrides: ['output.dir=./part'], cwd: dir });
    const io = captureIO(dir);
    const first = await runRecipe(r, { plugins: CATALOG, stdout: io.stdout, env: {}, cwd: dir, stopAfterSteps: 3 });
    assert.equal(first.reason, 'interrupted');
    assert.equal(first.steps, 3);
    assert.ok(existsSync(join(dir, 'part', 'checkpoint-3', 'trainer_state.json')));
    assert.ok(!existsSync(join(dir, 'part', 'adapter')), 'no export on interruption');
    const resumed = await run(['r.yaml', 'output.dir=./part', '--resume']);
    assert.equal(resumed.code, 0, resumed.err);
    assert.match(resumed.out, /resuming from .*checkpoint-3 at step 3\/6/);
    const a = await loadSafetensors(join(dir, 'full', 'adapter', 'adapter_model.safetensors'));
    const b = await loadSafetensors(join(dir, 'part', 'adapter', 'adapter_model.safetensors'));
    assert.deepEqual([...a.keys()], [...b.keys()]);
    for (const [k, t] of a) assert.deepEqual(Array.from(b.get(k)?.data as Float32Array), Array.from(t.data as Float32Array), k);
    // save_total_limit 2 keeps the newest two checkpoints.
    assert.deepEqual(readdirSync(join(dir, 'full')).filter((n) => n.startsWith('checkpoint-')).sort(), ['checkpoint-4', 'checkpoint-6']);
  });

  it('gradient checkpointing recomputes layers (same dropout masks) and ends with the same weights', async () => {
    writeFileSync(join(dir, 'r.yaml'), recipe());
    const plain = await run(['r.yaml', 'output.dir=./plain', 'training.max_steps=3']);
    assert.equal(plain.code, 0, plain.err);
    const ckpt = await run(['r.yaml', 'output.dir=./ckpt', 'training.max_steps=3', 'training.gradient_checkpointing=true']);
    assert.equal(ckpt.code, 0, ckpt.err);
    const a = await loadSafetensors(join(dir, 'plain', 'adapter', 'adapter_model.safetensors'));
    const b = await loadSafetensors(join(dir, 'ckpt', 'adapter', 'adapter_model.safetensors'));
    for (const [k, t] of a) {
      const x = t.data as Float32Array;
      const y = b.get(k)?.data as Float32Array;
      x.forEach((v, i) => assert.ok(Math.abs(v - (y[i] as number)) <= 1e-6, `${k}[${i}]: ${v} vs ${y[i]}`));
    }
  });

  it('refuses to resume with a recipe that changed, naming what changed', async () => {
    writeFileSync(join(dir, 'r.yaml'), recipe());
    const r = await loadRecipe(join(dir, 'r.yaml'));
    await runRecipe(r, { plugins: CATALOG, stdout: captureIO(dir).stdout, env: {}, cwd: dir, stopAfterSteps: 2 });
    const res = await run(['r.yaml', 'method.lora.r=8', 'optimizer.lr=0.01', '--resume', 'latest']);
    assert.equal(res.code, 1);
    assert.match(res.err, /error TRAIN_RESUME_INCOMPATIBLE cannot resume .*checkpoint-2/);
    assert.match(res.err, /method\.lora\.r: 4 → 8/);
    assert.match(res.err, /optimizer\.lr: 0\.003 → 0\.01/);
  });

  it('refuses to overwrite an existing run without --resume or output.overwrite', async () => {
    writeFileSync(join(dir, 'r.yaml'), recipe());
    assert.equal((await run(['r.yaml', 'training.max_steps=3'])).code, 0);
    const again = await run(['r.yaml', 'training.max_steps=3']);
    assert.equal(again.code, 1);
    assert.match(again.err, /r\.yaml:\d+:\d+: error TRAIN_OUTPUT_EXISTS output folder .*out already holds a run/);
    const over = await run(['r.yaml', 'training.max_steps=3', 'output.overwrite=true']);
    assert.equal(over.code, 0, over.err);
  });

  it('--resume with no checkpoint is TRAIN_RESUME_NOT_FOUND', async () => {
    writeFileSync(join(dir, 'r.yaml'), recipe());
    const res = await run(['r.yaml', '--resume']);
    assert.equal(res.code, 1);
    assert.match(res.err, /error TRAIN_RESUME_NOT_FOUND no checkpoint to resume from/);
  });

  it('a non-finite loss stops the run with TRAIN_NON_FINITE_LOSS after saving the last good state', async () => {
    writeFileSync(join(dir, 'r.yaml'), recipe());
    const r = await loadRecipe(join(dir, 'r.yaml'), { overrides: ['optimizer.lr=1e30', 'training.max_grad_norm=0', 'output.save_steps=null'], cwd: dir });
    await assert.rejects(runRecipe(r, { plugins: CATALOG, stdout: captureIO(dir).stdout, env: {}, cwd: dir }), (e: unknown) => {
      assert.ok(isTuneError(e));
      assert.equal(e.code, 'TRAIN_NON_FINITE_LOSS');
      assert.match(e.message, /at step \d+; stopped after saving the last good state/);
      return true;
    });
    const ckpts = readdirSync(join(dir, 'out')).filter((n) => n.startsWith('checkpoint-'));
    assert.equal(ckpts.length, 1);
    const state = JSON.parse(readFileSync(join(dir, 'out', ckpts[0] as string, 'trainer_state.json'), 'utf8')) as { step: number };
    assert.ok(state.step >= 1);
  });
});
