import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { tf } from '../../src/engine/index.js';
import { type CausalLM, countParameters, loadModel, modelCatalog, parseModelConfig } from '../../src/models/index.js';
import { alibiSlopes, bloomAlibiSlopes } from '../../src/models/layers/alibi.js';
import { describeOnBackends } from '../helpers/backends.js';

// No HF golden exists for BLOOM; fixtures/bloom-tiny/make_fixture.py is an independent float64 numpy
// re-implementation of transformers 4.44 modeling_bloom.py (6 heads: exercises the extra slopes).
const DIR = 'tests/models/fixtures/bloom-tiny';
const ref = JSON.parse(readFileSync(`${DIR}/reference.json`, 'utf8')) as { input_ids: number[][]; attention_mask: number[][]; logits: number[][][] };

describe('BLOOM catalogue', () => {
  it('bloom-560m config gives HF names and 559,214,592 parameters', () => {
    const c = parseModelConfig({ model_type: 'bloom', vocab_size: 250880, hidden_size: 1024, n_layer: 24, num_attention_heads: 16 });
    const cat = modelCatalog(c);
    assert.equal(countParameters(cat), 559214592);
    assert.equal(cat.parameters[1]!.name, 'transformer.word_embeddings_layernorm.weight');
    assert.deepEqual(cat.modules.find((m) => m.path === 'transformer.h.3.self_attention.query_key_value')?.outFeatures, 3072);
  });

  it('slopes: BLOOM and MPT agree on 6 heads (odd powers of the next base appended)', () => {
    assert.deepEqual([...bloomAlibiSlopes(6)], [1 / 4, 1 / 16, 1 / 64, 1 / 256, 1 / 2, 1 / 8]);
    assert.deepEqual([...bloomAlibiSlopes(6)], [...alibiSlopes(6)]);
    assert.deepEqual([...bloomAlibiSlopes(8)], [1 / 2, 1 / 4, 1 / 8, 1 / 16, 1 / 32, 1 / 64, 1 / 128, 1 / 256]);
  });
});

describeOnBackends('BLOOM forward', () => {
  let model: CausalLM;
  before(async () => {
    model = await loadModel(DIR, { trainable: true });
  });
  after(() => model.dispose());

  it('logits match the float64 reference (hub-style names without `transformer.`)', async () => {
    const got = await model.forward(ref.input_ids, { attentionMask: ref.attention_mask }).data();
    const want = ref.logits.flat(2);
    let max = 0;
    want.forEach((v, i) => (max = Math.max(max, Math.abs(got[i]! - v))));
    assert.ok(max < 1e-4, `max |Δ| ${max}`);
  });

  it('KV-cached decoding equals the full forward; gradients reach every parameter', async () => {
    const seq = ref.input_ids[0]!;
    const full = Array.from(await model.forward([seq]).data());
    const cache = model.newCache();
    const parts: number[] = Array.from(await model.forward([seq.slice(0, 5)], { cache }).data());
    for (const t of seq.slice(5)) parts.push(...(await model.forward([[t]], { cache }).data()));
    cache.dispose();
    assert.ok(full.every((v, i) => Math.abs(v - parts[i]!) < 2e-5));
    const vars = model.trainableVariables();
    const { grads } = tf.variableGrads(() => tf.mean(model.forward([seq])) as tf.Scalar, vars);
    assert.equal(Object.keys(grads).length, model.namedParameters().length);
    tf.dispose(Object.values(grads));
  });
});
