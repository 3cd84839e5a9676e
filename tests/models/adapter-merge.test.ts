import { strict as assert } from 'node:assert';
import { tf } from '../../src/engine/index.js';
import { type CausalLM, causalLmLoss, loadModel } from '../../src/models/index.js';
import { describeOnBackends } from '../helpers/backends.js';
import { ARCHS, adapterDir, compare, forwardGolden, goldenJson, goldenTensors, manifest, modelDir } from './parity-fixture.js';

describeOnBackends('PEFT adapter merged for inference', () => {
  for (const arch of ARCHS) {
    describe(arch, () => {
      let model: CausalLM;
      before(async () => {
        model = await loadModel(modelDir(arch), { adapter: adapterDir(arch) });
      });
      after(() => model.dispose());

      it('merged weights equal golden/lora_merged_changed.safetensors', async () => {
        const golden = await goldenTensors(arch, 'lora_merged_changed.safetensors');
        const params = new Map(model.namedParameters());
        for (const [name, t] of golden) {
          const r = compare(await params.get(name)!.data(), t.data as Float32Array, manifest.recommended_tolerances.weights_after_merge);
          assert.ok(r.worst <= 1, `${name}: max |Δ| ${r.maxAbs}`);
        }
      });

      it('loss of the merged model equals lora.json', () => {
        const g = forwardGolden(arch);
        const want = goldenJson<{ merged_model_loss: number }>(arch, 'lora.json').merged_model_loss;
        const got = tf.tidy(() => causalLmLoss(model.forward(g.input_ids, { attentionMask: g.attention_mask }), g.labels).loss.dataSync()[0]!);
        assert.ok(Math.abs(got - want) <= 1e-5 * (1 + want), `${got} vs ${want}`);
      });
    });
  }
});
