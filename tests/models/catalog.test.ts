import { strict as assert } from 'node:assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TuneError } from '../../src/diagnostics/index.js';
import { countParameters, modelCatalog, parseModelConfig, readModelConfig } from '../../src/models/catalog.js';
import { modelDir } from './parity-fixture.js';

const code = (c: string, path?: string) => (e: unknown) => e instanceof TuneError && e.code === c && (path === undefined || e.diagnostics[0]?.path === path);

describe('model configs and catalogue (TensorFlow-free)', () => {
  it('reads the fixture configs with HF defaults', () => {
    const g = readModelConfig(modelDir('gpt2'));
    assert.equal(g.modelType, 'gpt2');
    if (g.modelType !== 'gpt2') return;
    assert.equal(g.nInner, 128); // n_inner null → 4·n_embd
    assert.equal(g.tieWordEmbeddings, true);
    const m = readModelConfig(modelDir('mpt'));
    if (m.modelType !== 'mpt') return assert.fail();
    assert.equal(m.softmaxScale, null);
    assert.equal(m.eosTokenId, null);
  });

  it('config overrides (a recipe model.config) merge over config.json', () => {
    const c = readModelConfig(modelDir('llama'), { rope_theta: 500000, tie_word_embeddings: false });
    if (c.modelType !== 'llama') return assert.fail();
    assert.equal(c.ropeTheta, 500000);
    assert.equal(modelCatalog(c).parameters.at(-1)?.name, 'lm_head.weight');
  });

  it('parameter counts equal HF num_parameters()', () => {
    // manifest.models.gpt2.num_parameters
    assert.equal(countParameters(modelCatalog(readModelConfig(modelDir('gpt2')))), 1635744);
    // GPT-2 small: 124,439,808 parameters
    assert.equal(countParameters(modelCatalog(parseModelConfig({ model_type: 'gpt2' }))), 124439808);
  });

  it('SmolLM2-135M config: GQA, head_dim, tied head, 134.5M parameters', () => {
    const c = parseModelConfig({
      model_type: 'llama', hidden_size: 576, intermediate_size: 1536, num_hidden_layers: 30, num_attention_heads: 9,
      num_key_value_heads: 3, head_dim: 64, vocab_size: 49152, rope_theta: 100000, rms_norm_eps: 1e-5, tie_word_embeddings: true,
      bos_token_id: 0, eos_token_id: 0, rope_interleaved: false,
    });
    const cat = modelCatalog(c);
    const k = cat.modules.find((m) => m.path === 'model.layers.0.self_attn.k_proj')!;
    assert.deepEqual([k.inFeatures, k.outFeatures, k.layout], [576, 192, 'linear']);
    assert.equal(cat.modules.find((m) => m.kind === 'lm_head')?.tiedTo, 'model.embed_tokens');
    assert.equal(countParameters(cat), 134515008);
  });

  it('Qwen2 adds q/k/v biases (not o_proj); Mistral gets its sliding window', () => {
    const q = modelCatalog(parseModelConfig({ model_type: 'qwen2', hidden_size: 64, intermediate_size: 128, num_hidden_layers: 1, num_attention_heads: 4, num_key_value_heads: 2, vocab_size: 100 }));
    const names = q.parameters.map((p) => p.name);
    for (const n of ['q_proj', 'k_proj', 'v_proj']) assert.ok(names.includes(`model.layers.0.self_attn.${n}.bias`));
    assert.ok(!names.includes('model.layers.0.self_attn.o_proj.bias'));
    const mi = parseModelConfig({ model_type: 'mistral', num_hidden_layers: 2, sliding_window: 4096 });
    if (mi.modelType === 'llama' || mi.modelType === 'mistral' || mi.modelType === 'qwen2') {
      assert.deepEqual(mi.slidingWindow, [4096, 4096]);
      assert.equal(mi.numKvHeads, 8);
    }
  });

  it('accepts rope_scaling and transformers-v5 rope_parameters', () => {
    const a = parseModelConfig({ model_type: 'llama', rope_scaling: { rope_type: 'llama3', factor: 32, low_freq_factor: 1, high_freq_factor: 4, original_max_position_embeddings: 8192 }, rope_theta: 500000 });
    const b = parseModelConfig({ model_type: 'llama', rope_parameters: { rope_type: 'llama3', factor: 32, low_freq_factor: 1, high_freq_factor: 4, original_max_position_embeddings: 8192, rope_theta: 500000 } });
    assert.deepEqual(a, b);
    const lin = parseModelConfig({ model_type: 'llama', rope_scaling: { type: 'linear', factor: 2 } });
    if (lin.modelType !== 'llama') return assert.fail();
    assert.deepEqual(lin.ropeScaling, { type: 'linear', factor: 2 });
  });

  it('MPT: MLP is always 4·d_model (expansion_ratio ignored), no biases, tied head', () => {
    const cat = modelCatalog(parseModelConfig({ model_type: 'mpt', d_model: 32, n_heads: 4, n_layers: 1, expansion_ratio: 2, vocab_size: 10 }));
    assert.equal(cat.modules.find((m) => m.path === 'transformer.blocks.0.ffn.up_proj')?.outFeatures, 128);
    assert.ok(cat.parameters.every((p) => !p.name.endsWith('.bias')));
  });

  it('fails with catalogued codes and the offending key', () => {
    assert.throws(() => parseModelConfig({ model_type: 'bert' }), code('MODEL_UNSUPPORTED_TYPE', '/model_type'));
    assert.throws(() => parseModelConfig({}), code('MODEL_UNSUPPORTED_TYPE'));
    assert.throws(() => parseModelConfig({ model_type: 'gpt2', n_layer: 'two' }), code('MODEL_CONFIG_INVALID', '/n_layer'));
    assert.throws(() => parseModelConfig({ model_type: 'llama', rope_scaling: { rope_type: 'yarn', factor: 4 } }), code('MODEL_UNSUPPORTED_FEATURE', '/rope_scaling/rope_type'));
    assert.throws(() => parseModelConfig({ model_type: 'llama', num_attention_heads: 6, num_key_value_heads: 4 }), code('MODEL_UNSUPPORTED_FEATURE'));
    assert.throws(() => parseModelConfig({ model_type: 'mpt', attn_config: { qk_ln: true } }), code('MODEL_UNSUPPORTED_FEATURE', '/attn_config/qk_ln'));
    const dir = mkdtempSync(join(tmpdir(), 'tk-cfg-'));
    assert.throws(() => readModelConfig(dir), code('MODEL_CONFIG_MISSING'));
    writeFileSync(join(dir, 'config.json'), '{"model_type": ');
    assert.throws(() => readModelConfig(dir), code('MODEL_CONFIG_INVALID'));
  });
});
