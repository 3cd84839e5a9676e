import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { initEngine, tf } from '../../../src/engine/index.js';
import { loadModel } from '../../../src/models/load.js';
import { causalLmLoss } from '../../../src/models/loss.js';
import { loadSafetensors } from '../../../src/io/safetensors/index.js';
import type { CausalLM } from '../../../src/models/causal-lm.js';
import { applyLora, type LoraHandle } from '../../../plugins/lora/apply.js';
import { mergeLora } from '../../../plugins/lora/merge.js';
import { TEST_BACKENDS } from '../../helpers/backends.js';

const FIX = 'tests/fixtures/parity';
interface Batch { input_ids: number[][]; attention_mask: number[][]; labels: number[][] }

function close(got: ArrayLike<number>, want: ArrayLike<number>, atol: number, rtol: number, what: string): void {
  assert.equal(got.length, want.length, `${what}: length`);
  let worst = 0;
  for (let i = 0; i < want.length; i++) {
    const g = got[i] as number;
    const w = want[i] as number;
    const excess = Math.abs(g - w) - (atol + rtol * Math.abs(w));
    if (excess > worst) worst = excess;
  }
  assert.ok(worst <= 0, `${what}: exceeds tolerance by ${worst}`);
}

async function loraModel(arch: string): Promise<{ model: CausalLM; lora: LoraHandle }> {
  const cfg = JSON.parse(readFileSync(`${FIX}/${arch}/adapter/adapter_config.json`, 'utf8')) as { r: number; lora_alpha: number; target_modules: string[]; use_rslora: boolean };
  const model = await loadModel(`${FIX}/${arch}/model`);
  const lora = applyLora(model, { r: cfg.r, alpha: cfg.lora_alpha, dropout: 0, rslora: cfg.use_rslora, targetModules: cfg.target_modules, bias: 'none', modulesToSave: [], init: 'default', seed: 0 });
  lora.loadAdapterTensors(await loadSafetensors(`${FIX}/${arch}/adapter/adapter_model.safetensors`), 'fixture adapter');
  return { model, lora };
}

for (const backend of TEST_BACKENDS) {
  describe(`plugins/lora parity with PEFT 0.12 on ${backend}`, function () {
    this.timeout(120_000);
    before(async () => {
      await initEngine(backend);
    });

    for (const arch of ['gpt2', 'llama', 'mpt']) {
      it(`${arch}: LoRA loss and every LoRA gradient match the golden files`, async () => {
        const batch = JSON.parse(readFileSync(`${FIX}/${arch}/golden/forward.json`, 'utf8')) as Batch;
        const golden = JSON.parse(readFileSync(`${FIX}/${arch}/golden/lora.json`, 'utf8')) as { loss: number };
        const { model, lora } = await loraModel(arch);
        try {
          const named = model.namedParameters().filter(([, p]) => p.trainable);
          assert.ok(named.every(([n]) => /lora_[AB]\.weight$/.test(n)), 'only LoRA weights train');
          const { value, grads } = tf.variableGrads(() => {
            const logits = model.forward(batch.input_ids, { attentionMask: batch.attention_mask });
            return causalLmLoss(logits, batch.labels).loss;
          }, named.map(([, p]) => p.variable));
          const loss = (await value.data())[0] as number;
          assert.ok(Math.abs(loss - golden.loss) <= 1e-5 + 1e-5 * Math.abs(golden.loss), `loss ${loss} vs ${golden.loss}`);
          const want = await loadSafetensors(`${FIX}/${arch}/golden/lora_grads.safetensors`);
          assert.equal(named.length, want.size);
          for (const [name, p] of named) {
            const key = `base_model.model.${name}`;
            const w = want.get(key);
            assert.ok(w, `golden has ${key}`);
            const g = grads[p.variable.name];
            assert.ok(g, `grad for ${name}`);
            close(await g.data(), w.data as Float32Array, 1e-5, 1e-3, key);
          }
          tf.dispose([value, ...Object.values(grads)]);
          const exported = await lora.adapterTensors();
          const fixture = await loadSafetensors(`${FIX}/${arch}/adapter/adapter_model.safetensors`);
          assert.deepEqual([...exported.keys()].sort(), [...fixture.keys()].sort());
        } finally {
          model.dispose();
        }
      });

      it(`${arch}: merging gives the golden merged weights and the same loss`, async () => {
        const batch = JSON.parse(readFileSync(`${FIX}/${arch}/golden/forward.json`, 'utf8')) as Batch;
        const golden = JSON.parse(readFileSync(`${FIX}/${arch}/golden/lora.json`, 'utf8')) as { merged_model_loss: number };
        const { model, lora } = await loraModel(arch);
        try {
          const changed = mergeLora(model, lora);
          const want = await loadSafetensors(`${FIX}/${arch}/golden/lora_merged_changed.safetensors`);
          assert.deepEqual(changed.sort(), [...want.keys()].sort());
          const params = new Map(model.namedParameters());
          for (const [name, w] of want) close(await (params.get(name)?.data() ?? Promise.resolve(new Float32Array())), w.data as Float32Array, 1e-6, 1e-5, name);
          const logits = model.forward(batch.input_ids, { attentionMask: batch.attention_mask });
          const { loss } = causalLmLoss(logits, batch.labels);
          const l = (await loss.data())[0] as number;
          assert.ok(Math.abs(l - golden.merged_model_loss) <= 2e-5, `merged loss ${l}`);
          tf.dispose([logits, loss]);
        } finally {
          model.dispose();
        }
      });
    }
  });
}
