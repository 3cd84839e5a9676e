import { strict as assert } from 'node:assert';
import { generate } from '../../src/generate/index.js';
import { TuneError } from '../../src/diagnostics/index.js';
import { type CausalLM, loadModel } from '../../src/models/index.js';
import { describeOnBackends } from '../helpers/backends.js';
import { ARCHS, generationGolden, modelDir } from '../models/parity-fixture.js';

describeOnBackends('greedy generation equals golden/generation.json', () => {
  for (const arch of ARCHS) {
    describe(arch, () => {
      const g = generationGolden(arch);
      let model: CausalLM;
      before(async () => {
        model = await loadModel(modelDir(arch));
      });
      after(() => model.dispose());

      for (const useCache of [true, false]) {
        it(`${useCache ? 'with' : 'without'} KV cache`, async () => {
          const streamed: number[] = [];
          const r = await generate(model, g.prompt_ids, { maxNewTokens: g.max_new_tokens, eosTokenId: g.eos_token_id, useCache, onToken: (t) => streamed.push(t) });
          assert.deepEqual(r.tokens, g.new_token_ids);
          assert.deepEqual(streamed, g.new_token_ids);
          assert.equal(r.finishReason, 'length');
        });
      }
    });
  }

  it('gpt2: prompt + max_new_tokens beyond n_positions fails up front', async () => {
    await loadModel(modelDir('gpt2')).then(async (m) => {
      try {
        const prompt = Array.from({ length: 60 }, (_, i) => i + 1);
        await assert.rejects(generate(m, prompt, { maxNewTokens: 5 }), (e: unknown) => e instanceof TuneError && e.code === 'GENERATE_OPTION_INVALID');
        assert.equal((await generate(m, prompt, { maxNewTokens: 4 })).tokens.length, 4);
      } finally {
        m.dispose();
      }
    });
  });
});
