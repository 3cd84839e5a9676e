import { strict as assert } from 'node:assert';
import { generate } from '../../src/generate/index.js';
import { evaluateExactMatch, promptTarget } from '../../src/generate/evaluate.js';
import { type CausalLM, loadModel } from '../../src/models/index.js';
import { tf } from '../../src/engine/index.js';
import { describeOnBackends } from '../helpers/backends.js';
import { generationGolden, modelDir } from '../models/parity-fixture.js';

describeOnBackends('generate: stopping and sampling', () => {
  const g = generationGolden('llama'); // greedy: 326, 375, 362, 56, 381, 267, 331, 331
  let model: CausalLM;
  before(async () => {
    model = await loadModel(modelDir('llama'));
  });
  after(() => model.dispose());

  it('stops on an EOS id (int or list) and keeps it, as HF', async () => {
    const a = await generate(model, g.prompt_ids, { maxNewTokens: 8, eosTokenId: 362 });
    assert.deepEqual(a.tokens, [326, 375, 362]);
    assert.equal(a.finishReason, 'eos');
    const b = await generate(model, g.prompt_ids, { maxNewTokens: 8, eosTokenId: [999, 375] });
    assert.deepEqual(b.tokens, [326, 375]);
  });

  it('stops on a stop string in the decoded continuation', async () => {
    const r = await generate(model, g.prompt_ids, { maxNewTokens: 8, stopStrings: ['<56>'], decode: (ids) => ids.map((i) => `<${i}>`).join('') });
    assert.deepEqual(r.tokens, [326, 375, 362, 56]);
    assert.equal(r.finishReason, 'stop_string');
  });

  it('leaves no tensors behind (cache and logits are released)', async () => {
    await generate(model, g.prompt_ids, { maxNewTokens: 3 });
    const before = tf.memory().numTensors;
    await generate(model, g.prompt_ids, { maxNewTokens: 5 });
    await generate(model, g.prompt_ids, { maxNewTokens: 5, useCache: false, doSample: true, seed: 1 });
    assert.equal(tf.memory().numTensors, before);
  });

  it('max_new_tokens 0 generates nothing', async () => {
    assert.deepEqual((await generate(model, g.prompt_ids, { maxNewTokens: 0 })).tokens, []);
  });

  it('sampling is deterministic per seed, with and without cache', async () => {
    const opts = { maxNewTokens: 12, doSample: true, temperature: 1.3, topK: 0 } as const;
    const a = await generate(model, g.prompt_ids, { ...opts, seed: 11 });
    const b = await generate(model, g.prompt_ids, { ...opts, seed: 11, useCache: false });
    const c = await generate(model, g.prompt_ids, { ...opts, seed: 12 });
    assert.equal(a.tokens.length, 12);
    assert.deepEqual(a.tokens, b.tokens);
    assert.notDeepEqual(a.tokens, c.tokens);
  });

  it('no_repeat_ngram_size 1 never repeats a token of the sequence', async () => {
    const r = await generate(model, g.prompt_ids, { maxNewTokens: 10, noRepeatNgramSize: 1 });
    const all = [...g.prompt_ids, ...r.tokens];
    assert.equal(new Set(all).size, all.length);
  });

  it('exact match: greedy completion up to EOS compared with the target (EOS stripped)', async () => {
    // Pretend 56 is EOS: greedy gives 326, 375, 362, 56 → completion "326 375 362".
    assert.deepEqual(promptTarget([9, 8, 7, 326, 375], [-100, -100, -100, 326, 375]), { prompt: [9, 8, 7], target: [326, 375] });
    assert.equal(promptTarget([1, 2], [-100, -100]), null);
    const seen: boolean[] = [];
    const r = await evaluateExactMatch(
      model,
      [
        { prompt: g.prompt_ids, target: [326, 375, 362, 56] },
        { prompt: g.prompt_ids, target: [326, 375, 56] },
      ],
      { eosTokenIds: [56], decode: (ids) => ids.join(' '), onExample: (_i, ok) => seen.push(ok) },
    );
    assert.deepEqual(seen, [true, false]);
    assert.deepEqual(r, { exactMatch: 0.5, correct: 1, total: 2 });
  });
});
