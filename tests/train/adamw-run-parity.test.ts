/**
 * The three golden AdamW steps of the fixtures, reproduced through `tune run` on a recipe: fixture
 * model, `init_from` the fixture adapter, the golden batch as a `tokenized` dataset, max_steps 3.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { main } from '../../src/cli/main.js';
import { loadSafetensors } from '../../src/io/safetensors/index.js';
import { captureIO } from '../helpers/io.js';
import { TEST_BACKENDS } from '../helpers/backends.js';

const FIX = resolve('tests/fixtures/parity');

interface Golden {
  loss_before_step: number[];
  lr: number[];
  grad_norm_before_clip: number[];
}

function worstExcess(got: ArrayLike<number>, want: ArrayLike<number>, atol: number, rtol: number): number {
  let worst = -Infinity;
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs((got[i] as number) - (want[i] as number)) - (atol + rtol * Math.abs(want[i] as number)));
  return worst;
}

function recipeFor(arch: string, dir: string, backend: string): string {
  const adapter = JSON.parse(readFileSync(join(FIX, arch, 'adapter', 'adapter_config.json'), 'utf8')) as { r: number; lora_alpha: number; target_modules: string[] };
  const batch = JSON.parse(readFileSync(join(FIX, arch, 'golden', 'forward.json'), 'utf8')) as { input_ids: number[][]; attention_mask: number[][]; labels: number[][] };
  const rows = batch.input_ids.map((ids, i) => JSON.stringify({ input_ids: ids, attention_mask: batch.attention_mask[i], labels: batch.labels[i] }));
  writeFileSync(join(dir, 'batch.jsonl'), `${rows.join('\n')}\n`);
  return `recipe_version: 1
model:
  base: ${join(FIX, arch, 'model')}
data:
  datasets:
    - path: ./batch.jsonl
      format: tokenized
  sequence_len: 16
  shuffle: false
method:
  kind: lora
  lora:
    r: ${adapter.r}
    alpha: ${adapter.lora_alpha}
    dropout: 0.0
    target_modules: [${adapter.target_modules.join(', ')}]
    init_from: ${join(FIX, arch, 'adapter')}
optimizer:
  name: adamw
  lr: 1.0e-3
  betas: [0.9, 0.999]
  eps: 1.0e-8
  weight_decay: 0.01
schedule:
  name: linear
  warmup_steps: 1
training:
  max_steps: 3
  micro_batch_size: 2
  max_grad_norm: 1.0
logging:
  steps: 1
  progress: none
output:
  dir: ./out
engine:
  backend: ${backend}
`;
}

for (const backend of TEST_BACKENDS) {
  describe(`tune run reproduces 3 golden AdamW steps on ${backend}`, function () {
    this.timeout(180_000);
    for (const arch of ['gpt2', 'llama', 'mpt']) {
      it(arch, async () => {
        const dir = mkdtempSync(join(tmpdir(), `adamw-${arch}-`));
        try {
          writeFileSync(join(dir, 'recipe.yaml'), recipeFor(arch, dir, backend));
          const io = captureIO(dir);
          const code = await main(['run', 'recipe.yaml'], io);
          assert.equal(code, 0, io.err());
          const golden = JSON.parse(readFileSync(join(FIX, arch, 'golden', 'adamw.json'), 'utf8')) as Golden;
          const steps = readFileSync(join(dir, 'out', 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; loss: number; learningRate: number; gradNorm: number }).filter((r) => r.type === 'train');
          assert.equal(steps.length, 3);
          steps.forEach((s, k) => {
            const wantLoss = golden.loss_before_step[k] as number;
            assert.ok(Math.abs(s.loss - wantLoss) <= 1e-5 + 1e-5 * Math.abs(wantLoss), `loss ${k}: ${s.loss} vs ${wantLoss}`);
            const wantLr = golden.lr[k] as number;
            assert.ok(Math.abs(s.learningRate - wantLr) <= 1e-7 * Math.abs(wantLr), `lr ${k}`);
            const wantNorm = golden.grad_norm_before_clip[k] as number;
            assert.ok(Math.abs(s.gradNorm - wantNorm) <= 1e-5 + 1e-4 * wantNorm, `grad norm ${k}: ${s.gradNorm} vs ${wantNorm}`);
          });
          const want = await loadSafetensors(join(FIX, arch, 'golden', 'adamw_after_step3.safetensors'));
          const got = await loadSafetensors(join(dir, 'out', 'adapter', 'adapter_model.safetensors'));
          assert.deepEqual([...got.keys()].sort(), [...want.keys()].sort());
          for (const [k, w] of want) assert.ok(worstExcess(got.get(k)?.data as Float32Array, w.data as Float32Array, 2e-6, 0) <= 0, `weights ${k}`);
          // The exported adapter_config.json has exactly PEFT 0.12's fields and the fixture's values.
          const ours = JSON.parse(readFileSync(join(dir, 'out', 'adapter', 'adapter_config.json'), 'utf8')) as Record<string, unknown>;
          const theirs = JSON.parse(readFileSync(join(FIX, arch, 'adapter', 'adapter_config.json'), 'utf8')) as Record<string, unknown>;
          assert.deepEqual(Object.keys(ours).sort(), Object.keys(theirs).sort());
          for (const k of Object.keys(theirs)) if (k !== 'base_model_name_or_path') assert.deepEqual(ours[k], theirs[k], k);
          assert.equal(ours['base_model_name_or_path'], join(FIX, arch, 'model'));
          const wantState = await loadSafetensors(join(FIX, arch, 'golden', 'adamw_optimizer_state_after_step3.safetensors'));
          const gotState = await loadSafetensors(join(dir, 'out', 'checkpoint-3', 'optimizer.safetensors'));
          for (const [k, w] of wantState) {
            const ours = gotState.get(k.replace(/^base_model\.model\./, ''));
            assert.ok(ours, `optimizer state ${k}`);
            assert.ok(worstExcess(ours.data as Float32Array, w.data as Float32Array, 1e-6, 1e-4) <= 0, `optimizer state ${k}`);
          }
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      });
    }
  });
}
