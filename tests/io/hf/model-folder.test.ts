import assert from 'node:assert/strict';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isTuneError } from '../../../src/diagnostics/index.js';
import { canonicalWeightName, generationConfigFrom, hfJsonText, openHfModelFolder, saveHfFolder } from '../../../src/io/hf/index.js';
import { loadWeights, loadSafetensors, saveSafetensors, type HostTensor } from '../../../src/io/safetensors/index.js';

const PARITY = 'tests/fixtures/parity';
const code = (c: string) => (e: unknown) => isTuneError(e) && e.code === c;

describe('HF model folders', () => {
  let dir: string;
  beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'tk-hf-')); });
  afterEach(async () => { await rm(dir, { recursive: true, force: true }); });

  it('opens the Llama fixture: config, generation_config, weights under canonical names (tied lm_head absent)', async () => {
    const m = await openHfModelFolder(`${PARITY}/llama/model`);
    assert.equal(m.config.modelType, 'llama');
    assert.deepEqual(m.generationConfig, { _from_model_config: true, bos_token_id: 1, eos_token_id: 2, pad_token_id: 0, transformers_version: '4.44.2' });
    assert.equal(m.tokenizer, null);
    const w = await m.openWeights();
    try {
      assert.equal(w.names.length, 20);
      assert.ok(!w.names.includes('lm_head.weight'));
      assert.deepEqual((await w.read('model.embed_tokens.weight')).shape, [512, 32]);
    } finally {
      await w.close();
    }
  });

  it('finds the tokenizer files of stories260k and requires them on request', async () => {
    const m = await openHfModelFolder('models/stories260k', { requireTokenizer: true });
    assert.equal(m.tokenizer?.tokenizerJson, join('models/stories260k', 'tokenizer.json'));
    assert.equal(m.tokenizer?.tokenizerConfig, join('models/stories260k', 'tokenizer_config.json'));
    await assert.rejects(openHfModelFolder(`${PARITY}/mpt/model`, { requireTokenizer: true }), code('IO_HF_NO_TOKENIZER'));
  });

  it('GPT-2: names without `transformer.` gain it; attn.bias / masked_bias buffers and a tied lm_head are skipped', async () => {
    const cfg = { modelType: 'gpt2', tieWordEmbeddings: true };
    assert.equal(canonicalWeightName(cfg, 'h.0.attn.c_attn.weight'), 'transformer.h.0.attn.c_attn.weight');
    assert.equal(canonicalWeightName(cfg, 'transformer.wte.weight'), 'transformer.wte.weight');
    assert.equal(canonicalWeightName(cfg, 'h.0.attn.bias'), null);
    assert.equal(canonicalWeightName(cfg, 'h.0.attn.masked_bias'), null);
    assert.equal(canonicalWeightName(cfg, 'lm_head.weight'), null);
    assert.equal(canonicalWeightName({ modelType: 'llama', tieWordEmbeddings: false }, 'lm_head.weight'), 'lm_head.weight');
    assert.equal(canonicalWeightName({ modelType: 'llama', tieWordEmbeddings: false }, 'model.layers.0.self_attn.rotary_emb.inv_freq'), null);

    // A hub-style gpt2 file: no prefix, mask buffers, explicit lm_head.
    const model = join(dir, 'gpt2');
    await cp(`${PARITY}/gpt2/model/config.json`, join(model, 'config.json'), { recursive: true });
    const src = await loadSafetensors(`${PARITY}/gpt2/model/model.safetensors`);
    const hub = new Map<string, HostTensor>();
    for (const [k, v] of src) hub.set(k.replace(/^transformer\./, ''), v);
    hub.set('h.0.attn.bias', { dtype: 'F32', shape: [1, 1, 2, 2], data: new Float32Array([1, 0, 1, 1]) });
    hub.set('lm_head.weight', src.get('transformer.wte.weight')!);
    await saveSafetensors(join(model, 'model.safetensors'), hub);
    const w = await (await openHfModelFolder(model)).openWeights();
    try {
      assert.deepEqual([...w.names].sort(), [...src.keys()].sort());
      assert.deepEqual(await w.read('transformer.h.1.mlp.c_fc.weight'), src.get('transformer.h.1.mlp.c_fc.weight'));
    } finally {
      await w.close();
    }
  });

  it('missing folder, missing config.json, bad JSON, no weights, pickle-only weights', async () => {
    await assert.rejects(openHfModelFolder(join(dir, 'nope')), code('IO_HF_NOT_A_MODEL_DIR'));
    await assert.rejects(openHfModelFolder(dir), code('IO_HF_NOT_A_MODEL_DIR'));
    await writeFile(join(dir, 'config.json'), '{\n  "model_type": "llama",\n}\n');
    await assert.rejects(openHfModelFolder(dir), (e: unknown) => isTuneError(e) && e.code === 'IO_JSON_INVALID' && e.diagnostics[0]?.line === 3);
    await writeFile(join(dir, 'config.json'), '{"model_type": "llama"}');
    await assert.rejects(openHfModelFolder(dir), code('IO_HF_NO_WEIGHTS'));
    await writeFile(join(dir, 'pytorch_model.bin'), 'PK');
    await assert.rejects(openHfModelFolder(dir), (e: unknown) => isTuneError(e) && e.code === 'IO_HF_PICKLE_WEIGHTS' && /safe_serialization=True/.test(e.diagnostics[0]?.hint ?? ''));
  });

  it('writes config.json and generation_config.json exactly as transformers 4.44 does for all fixtures', async () => {
    for (const arch of ['gpt2', 'llama', 'mpt']) {
      const configText = await readFile(`${PARITY}/${arch}/model/config.json`, 'utf8');
      const config = JSON.parse(configText) as Record<string, unknown>;
      assert.equal(hfJsonText(config), configText, `${arch} config.json`);
      assert.equal(hfJsonText(generationConfigFrom(config)), await readFile(`${PARITY}/${arch}/model/generation_config.json`, 'utf8'), `${arch} generation_config.json`);
    }
  });

  it('saveHfFolder reproduces the GPT-2 fixture folder byte for byte (weights, configs, tokenizer)', async () => {
    const src = `${PARITY}/gpt2/model`;
    const config = JSON.parse(await readFile(join(src, 'config.json'), 'utf8')) as Record<string, unknown>;
    const tensors = await loadWeights(src);
    tensors.set('lm_head.weight', tensors.get('transformer.wte.weight')!); // tied: must be dropped
    const out = join(dir, 'out');
    await saveHfFolder(out, { config, tensors, tokenizerFrom: src });
    assert.deepEqual((await readdir(out)).sort(), (await readdir(src)).sort());
    for (const f of await readdir(src)) assert.ok((await readFile(join(out, f))).equals(await readFile(join(src, f))), f);
    assert.deepEqual((await readdir(dir)).sort(), ['out']);
  });

  it('saveHfFolder writes v5 configs in the v4 layout, bf16 weights, shards, and refuses to replace a foreign folder', async () => {
    const out = join(dir, 'm');
    const tensors = new Map<string, HostTensor>([
      ['model.embed_tokens.weight', { dtype: 'F32', shape: [4, 2], data: new Float32Array([1, 2, 3, 4, 5, 6, 7, 8]) }],
      ['lm_head.weight', { dtype: 'F32', shape: [4, 2], data: new Float32Array(8).fill(0.5) }],
    ]);
    await saveHfFolder(out, {
      config: { model_type: 'llama', dtype: 'float32', rope_parameters: { rope_type: 'default', rope_theta: 500000 }, tie_word_embeddings: false },
      tensors, dtype: 'bfloat16', maxShardSize: 20,
    });
    const cfg = JSON.parse(await readFile(join(out, 'config.json'), 'utf8')) as Record<string, unknown>;
    assert.deepEqual(cfg, { model_type: 'llama', rope_scaling: null, rope_theta: 500000, tie_word_embeddings: false, torch_dtype: 'bfloat16', transformers_version: '4.44.2' });
    assert.match(await readFile(join(out, 'config.json'), 'utf8'), /"rope_theta": 500000\.0,/);
    assert.deepEqual((await readdir(out)).sort(), ['config.json', 'generation_config.json', 'model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors', 'model.safetensors.index.json']);
    const back = (await openHfModelFolder(out));
    assert.equal(back.config.dtype, 'bfloat16');
    assert.deepEqual((await loadWeights(out)).get('lm_head.weight')?.data, new Float32Array(8).fill(0.5));

    const foreign = join(dir, 'home');
    await mkdir(foreign);
    await writeFile(join(foreign, 'notes.txt'), 'keep me');
    await assert.rejects(saveHfFolder(foreign, { config: { model_type: 'llama' }, tensors }), code('IO_WRITE_FAILED'));
    assert.equal(await readFile(join(foreign, 'notes.txt'), 'utf8'), 'keep me');
    await unlink(join(foreign, 'notes.txt'));
  });
});
