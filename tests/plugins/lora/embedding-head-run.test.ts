/**
 * `tune run` with embedding and head LoRA targets: PEFT adapter keys, a merged export equal to the
 * adapter model, GPT-2's fan_in_fan_out, and the early refusal of a merged export on a tied model.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { initEngine } from '../../../src/engine/index.js';
import { loadModel } from '../../../src/models/index.js';
import { readLoraAdapter } from '../../../src/io/peft/index.js';
import { saveHfFolder } from '../../../src/io/hf/index.js';
import type { HostTensor } from '../../../src/io/safetensors/index.js';
import { main } from '../../../src/cli/main.js';
import { captureIO } from '../../helpers/io.js';
import { ALPHA, IDS, LABELS, R, TARGETS, UNTIED, assertClose, untied, withLora } from './embedding-head-fixture.js';

describe('tune run with embedding and head LoRA', function () {
  this.timeout(120_000);
  before(async () => {
    await initEngine('cpu');
  });
  const recipe = (base: string, targets: string, exports: string): string => `recipe_version: 1
model:
  base: ${base}
data:
  datasets:
    - path: ./data.jsonl
      format: tokenized
  sequence_len: 8
  shuffle: false
method:
  kind: lora
  lora:
    r: ${R}
    alpha: ${ALPHA}
    rslora: true
    dropout: 0.0
    target_modules: [${targets}]
optimizer:
  name: adamw
  lr: 1.0e-2
schedule:
  name: constant
training:
  max_steps: 2
  micro_batch_size: 2
logging:
  steps: 1
  progress: none
output:
  dir: ./out
  export: [${exports}]
engine:
  backend: cpu
`;
  const data = IDS.map((ids, i) => JSON.stringify({ input_ids: ids, attention_mask: ids.map(() => 1), labels: LABELS[i] })).join('\n') + '\n';

  it('q_proj, v_proj, embed_tokens, lm_head: trains, exports a PEFT adapter with embedding/head keys and a merged model with the adapter model’s logits', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lora-emb-run-'));
    try {
      const src = untied();
      const tensors = new Map<string, HostTensor>();
      for (const [n, p] of src.namedParameters()) tensors.set(n, { dtype: 'F32', shape: p.shape.slice(), data: Float32Array.from(await p.data()) });
      src.dispose();
      await saveHfFolder(join(dir, 'base'), { config: UNTIED, tensors });
      writeFileSync(join(dir, 'data.jsonl'), data);
      writeFileSync(join(dir, 'recipe.yaml'), recipe(join(dir, 'base'), TARGETS.join(', '), 'adapter, merged'));
      const io = captureIO(dir);
      assert.equal(await main(['run', 'recipe.yaml'], io), 0, io.err());
      const adapter = await readLoraAdapter(join(dir, 'out', 'adapter'));
      const P = 'base_model.model.';
      assert.deepEqual([...adapter.tensors.keys()].sort(), [
        `${P}lm_head.lora_A.weight`, `${P}lm_head.lora_B.weight`, `${P}model.embed_tokens.lora_embedding_A`, `${P}model.embed_tokens.lora_embedding_B`,
        ...[0, 1].flatMap((i) => ['q_proj', 'v_proj'].flatMap((m) => [`${P}model.layers.${i}.self_attn.${m}.lora_A.weight`, `${P}model.layers.${i}.self_attn.${m}.lora_B.weight`])),
      ].sort());
      assert.ok(adapter.tensors.get(`${P}model.embed_tokens.lora_embedding_A`)!.data.some((v) => v !== 0), 'lora_embedding_A trained away from 0');
      assert.ok(adapter.tensors.get(`${P}lm_head.lora_B.weight`)!.data.some((v) => v !== 0), 'head lora_B trained away from 0');
      assert.deepEqual(adapter.config.targetModules, TARGETS);
      assert.equal(adapter.config.fanInFanOut, false);
      // The adapter model (LoRA layers) vs the run's merged export, `tune merge` and the host merge of `tune generate --adapter`.
      const live = await loadModel(join(dir, 'base'));
      withLora(live).loadAdapterTensors(adapter.tensors, 'run adapter');
      const want = await live.forward(IDS).data();
      live.dispose();
      const mio = captureIO(dir);
      assert.equal(await main(['merge', 'out/adapter', '--base', 'base', '--out', 'merged-cli'], mio), 0, mio.err());
      const views = [join(dir, 'out', 'merged'), join(dir, 'merged-cli')].map((d) => loadModel(d));
      views.push(loadModel(join(dir, 'base'), { adapter: join(dir, 'out', 'adapter') }));
      for (const m of await Promise.all(views)) {
        assertClose(await m.forward(IDS).data(), want, 1e-4, 1e-4, 'merged logits');
        m.dispose();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('GPT-2 (Conv1D + wte): embedding keys under transformer.wte and fan_in_fan_out true, as PEFT writes back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lora-gpt2-run-'));
    try {
      writeFileSync(join(dir, 'data.jsonl'), data);
      writeFileSync(join(dir, 'recipe.yaml'), recipe(resolve('tests/fixtures/parity/gpt2/model'), 'wte, c_attn', 'adapter'));
      const io = captureIO(dir);
      assert.equal(await main(['run', 'recipe.yaml'], io), 0, io.err());
      const adapter = await readLoraAdapter(join(dir, 'out', 'adapter'));
      assert.equal(adapter.config.fanInFanOut, true);
      assert.deepEqual(adapter.tensors.get('base_model.model.transformer.wte.lora_embedding_A')?.shape, [R, 50257]);
      assert.deepEqual(adapter.tensors.get('base_model.model.transformer.wte.lora_embedding_B')?.shape, [32, R]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a merged export of head LoRA on a tied model before training (LORA_MERGE_TIED)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lora-tied-run-'));
    try {
      writeFileSync(join(dir, 'data.jsonl'), data);
      writeFileSync(join(dir, 'recipe.yaml'), recipe(resolve('tests/fixtures/parity/llama/model'), 'q_proj, lm_head', 'adapter, merged'));
      const io = captureIO(dir);
      assert.equal(await main(['run', 'recipe.yaml'], io), 1);
      assert.match(io.err(), /LORA_MERGE_TIED/);
      assert.ok(!existsSync(join(dir, 'out', 'checkpoint-1')), 'no training step ran');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
