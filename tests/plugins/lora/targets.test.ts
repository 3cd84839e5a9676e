import assert from 'node:assert/strict';
import { modelCatalog, readModelConfig } from '../../../src/models/catalog.js';
import { expandAllLinear, selectTargets } from '../../../plugins/lora/targets.js';

const modules = (arch: string) => modelCatalog(readModelConfig(`tests/fixtures/parity/${arch}/model`)).modules;

describe('plugins/lora target matching (PEFT rules)', () => {
  it('a list entry matches the exact path or a `.`-suffix, never a bare substring', () => {
    const m = modules('llama');
    assert.deepEqual(selectTargets(m, ['q_proj', 'v_proj']).slice(0, 2), ['model.layers.0.self_attn.q_proj', 'model.layers.0.self_attn.v_proj']);
    assert.deepEqual(selectTargets(m, ['proj']), []);
    assert.deepEqual(selectTargets(m, ['model.layers.1.mlp.up_proj']), ['model.layers.1.mlp.up_proj']);
    assert.deepEqual(selectTargets(m, ['layers.1.mlp.up_proj']), ['model.layers.1.mlp.up_proj']);
  });

  it('a string is a regex that must match the whole path', () => {
    const m = modules('llama');
    assert.deepEqual(selectTargets(m, '.*\\.1\\.self_attn\\.(q|k)_proj'), ['model.layers.1.self_attn.q_proj', 'model.layers.1.self_attn.k_proj']);
    assert.deepEqual(selectTargets(m, 'q_proj'), [], 'fullmatch: a bare name does not match a longer path');
  });

  it('all-linear expands to every linear suffix except the output head', () => {
    assert.deepEqual(expandAllLinear(modules('gpt2')), ['c_attn', 'c_fc', 'c_proj']);
    assert.deepEqual(expandAllLinear(modules('llama')), ['down_proj', 'gate_proj', 'k_proj', 'o_proj', 'q_proj', 'up_proj', 'v_proj']);
    assert.deepEqual(expandAllLinear(modules('mpt')), ['Wqkv', 'down_proj', 'out_proj', 'up_proj']);
    assert.ok(!selectTargets(modules('mpt'), 'all-linear').includes('lm_head'));
  });

  it('exclude_modules removes matches with the same rules', () => {
    const m = modules('gpt2');
    assert.deepEqual(selectTargets(m, ['c_attn', 'c_proj'], ['mlp.c_proj']), ['transformer.h.0.attn.c_attn', 'transformer.h.0.attn.c_proj', 'transformer.h.1.attn.c_attn', 'transformer.h.1.attn.c_proj']);
    assert.deepEqual(selectTargets(m, 'all-linear', '.*\\.h\\.0\\..*').every((p) => p.includes('.h.1.')), true);
  });
});
