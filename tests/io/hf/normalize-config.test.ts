import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { isTuneError } from '../../../src/diagnostics/index.js';
import { normalizeHfConfig } from '../../../src/io/hf/index.js';

const fixture = (arch: string): Record<string, unknown> => JSON.parse(readFileSync(`tests/fixtures/parity/${arch}/model/config.json`, 'utf8')) as Record<string, unknown>;

describe('HF config normalization', () => {
  it('GPT-2 fixture: attribute map, n_inner default, tied, learned positions', () => {
    const c = normalizeHfConfig(fixture('gpt2'));
    assert.equal(c.hiddenSize, 32);
    assert.equal(c.numLayers, 2);
    assert.equal(c.numHeads, 4);
    assert.equal(c.headDim, 8);
    assert.equal(c.intermediateSize, 128);
    assert.equal(c.maxPositions, 64);
    assert.equal(c.hiddenAct, 'gelu_new');
    assert.equal(c.normEps, 1e-5);
    assert.equal(c.tieWordEmbeddings, true);
    assert.deepEqual(c.eosTokenIds, [50256]);
    assert.equal(c.positions, 'learned');
    assert.equal(c.dtype, 'float32');
    assert.deepEqual(c.gpt2, { scaleAttnWeights: true, scaleAttnByInverseLayerIdx: false, reorderAndUpcastAttn: false });
  });

  it('GPT-2 accepts canonical names too and fills GPT2Config defaults', () => {
    const c = normalizeHfConfig({ model_type: 'gpt2', hidden_size: 64, num_attention_heads: 2 });
    assert.equal(c.hiddenSize, 64);
    assert.equal(c.numHeads, 2);
    assert.equal(c.numLayers, 12);
    assert.equal(c.vocabSize, 50257);
    assert.equal(c.maxPositions, 1024);
    assert.equal(c.bosTokenId, 50256);
  });

  it('Llama fixture: GQA, RoPE, tied as configured', () => {
    const c = normalizeHfConfig(fixture('llama'));
    assert.equal(c.numKvHeads, 2);
    assert.equal(c.headDim, 8);
    assert.equal(c.intermediateSize, 88);
    assert.equal(c.ropeTheta, 10000);
    assert.equal(c.ropeScaling, null);
    assert.equal(c.norm, 'rmsnorm');
    assert.equal(c.normEps, 1e-6);
    assert.equal(c.tieWordEmbeddings, true);
    assert.equal(c.padTokenId, 0);
    assert.equal(c.qkvBias, false);
  });

  it('Llama defaults: untied, kv heads = heads, head_dim = hidden / heads', () => {
    const c = normalizeHfConfig({ model_type: 'llama', hidden_size: 48, num_attention_heads: 6, vocab_size: 10 });
    assert.equal(c.tieWordEmbeddings, false);
    assert.equal(c.numKvHeads, 6);
    assert.equal(c.headDim, 8);
    assert.equal(c.intermediateSize, 11008);
    assert.deepEqual(c.eosTokenIds, [2]);
  });

  it('transformers v5 layout: dtype and rope_parameters with rope_theta inside; eos as a list', () => {
    const c = normalizeHfConfig({
      model_type: 'llama', dtype: 'bfloat16', eos_token_id: [128001, 128009], head_dim: 64,
      rope_parameters: { rope_type: 'llama3', rope_theta: 500000.0, factor: 8.0, low_freq_factor: 1.0, high_freq_factor: 4.0, original_max_position_embeddings: 8192 },
    });
    assert.equal(c.dtype, 'bfloat16');
    assert.equal(c.ropeTheta, 500000);
    assert.deepEqual(c.ropeScaling, { ropeType: 'llama3', factor: 8, params: { low_freq_factor: 1, high_freq_factor: 4, original_max_position_embeddings: 8192 } });
    assert.deepEqual(c.eosTokenIds, [128001, 128009]);
    assert.equal(c.headDim, 64);
  });

  it('v4 rope_scaling with the legacy `type` key; default rope_parameters mean no scaling', () => {
    assert.deepEqual(normalizeHfConfig({ model_type: 'llama', rope_theta: 1e6, rope_scaling: { type: 'linear', factor: 2.0 } }).ropeScaling, { ropeType: 'linear', factor: 2, params: {} });
    const v5 = normalizeHfConfig({ model_type: 'llama', rope_parameters: { rope_type: 'default', rope_theta: 100000.0 } });
    assert.equal(v5.ropeScaling, null);
    assert.equal(v5.ropeTheta, 100000);
  });

  it('MPT fixture: attn_config diff filled with MptAttentionConfig defaults, 4·d_model MLP', () => {
    const c = normalizeHfConfig(fixture('mpt'));
    assert.equal(c.hiddenSize, 32);
    assert.equal(c.numHeads, 4);
    assert.equal(c.numLayers, 2);
    assert.equal(c.maxPositions, 64);
    assert.equal(c.intermediateSize, 128);
    assert.equal(c.positions, 'alibi');
    assert.equal(c.norm, 'layernorm_no_bias');
    assert.equal(c.tieWordEmbeddings, true);
    assert.deepEqual(c.mpt?.attnConfig, {
      attnType: 'multihead_attention', attnPdrop: 0, attnImpl: 'torch', clipQkv: null, softmaxScale: null, prefixLm: false,
      qkLn: false, attnUsesSequenceId: false, alibi: true, alibiBiasMax: 8,
    });
    assert.deepEqual(normalizeHfConfig({ model_type: 'mpt', attn_config: { clip_qkv: 6, alibi_bias_max: 16 } }).mpt?.attnConfig.clipQkv, 6);
  });

  it('Qwen2: q/k/v bias, sliding window only when enabled; Mistral window; BLOOM n_embed', () => {
    const q = normalizeHfConfig({ model_type: 'qwen2', hidden_size: 64, num_attention_heads: 4, num_key_value_heads: 2 });
    assert.equal(q.qkvBias, true);
    assert.equal(q.outBias, false);
    assert.equal(q.slidingWindow, null);
    assert.equal(normalizeHfConfig({ model_type: 'qwen2', use_sliding_window: true, sliding_window: 1024 }).slidingWindow, 1024);
    assert.equal(normalizeHfConfig({ model_type: 'mistral' }).slidingWindow, 4096);
    const b = normalizeHfConfig({ model_type: 'bloom', n_embed: 128, n_head: 4, n_layer: 3 });
    assert.equal(b.hiddenSize, 128);
    assert.equal(b.intermediateSize, 512);
    assert.equal(b.numLayers, 3);
  });

  it('a mistyped field → IO_HF_CONFIG_INVALID at its line and column', () => {
    const text = '{\n  "model_type": "llama",\n  "hidden_size": "64"\n}\n';
    assert.throws(() => normalizeHfConfig(JSON.parse(text) as Record<string, unknown>, { file: 'm/config.json', text }), (e: unknown) => {
      assert.ok(isTuneError(e));
      const d = e.diagnostics[0]!;
      assert.equal(d.code, 'IO_HF_CONFIG_INVALID');
      assert.equal(d.file, 'm/config.json');
      assert.equal(d.line, 3);
      assert.equal(d.col, 18);
      assert.equal(d.found, '"64"');
      return true;
    });
  });

  it('kv heads that do not divide heads, an unknown model_type, a missing model_type', () => {
    assert.throws(() => normalizeHfConfig({ model_type: 'llama', num_attention_heads: 6, num_key_value_heads: 4 }), (e: unknown) => isTuneError(e) && e.diagnostics[0]?.path === '/num_key_value_heads');
    assert.throws(() => normalizeHfConfig({ model_type: 'falcon' }), (e: unknown) => isTuneError(e) && e.code === 'IO_HF_CONFIG_INVALID' && /falcon/.test(e.message));
    assert.throws(() => normalizeHfConfig({}), (e: unknown) => isTuneError(e) && /no `model_type`/.test(e.message));
  });
});
