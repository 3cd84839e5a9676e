import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isTuneError } from '../../../src/diagnostics/index.js';
import { adapterConfigJson, loraKey, PEFT_012_KEYS, readLoraAdapter, saveLoraAdapter } from '../../../src/io/peft/index.js';
import { saveSafetensors, type HostTensor } from '../../../src/io/safetensors/index.js';

const PARITY = 'tests/fixtures/parity';
const code = (c: string) => (e: unknown) => isTuneError(e) && e.code === c;
const SHAPES: Record<string, { modules: number; a: number[]; b: number[]; module: string; fanInFanOut: boolean }> = {
  gpt2: { modules: 2, module: 'transformer.h.0.attn.c_attn', a: [4, 32], b: [96, 4], fanInFanOut: true },
  llama: { modules: 8, module: 'model.layers.0.self_attn.q_proj', a: [4, 32], b: [32, 4], fanInFanOut: false },
  mpt: { modules: 6, module: 'transformer.blocks.0.attn.Wqkv', a: [4, 32], b: [96, 4], fanInFanOut: false },
};

describe('PEFT LoRA adapter folders', () => {
  let dir: string;
  beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'tk-peft-')); });
  afterEach(async () => { await rm(dir, { recursive: true, force: true }); });

  for (const arch of ['gpt2', 'llama', 'mpt']) {
    it(`${arch}: reads the fixture adapter and writes it back byte for byte`, async () => {
      const src = `${PARITY}/${arch}/adapter`;
      const a = await readLoraAdapter(src);
      const want = SHAPES[arch]!;
      assert.equal(a.config.r, 4);
      assert.equal(a.config.loraAlpha, 8);
      assert.equal(a.config.fanInFanOut, want.fanInFanOut);
      assert.deepEqual(a.extras, {});
      assert.equal(a.modules.size, want.modules);
      assert.deepEqual(a.modules.get(want.module)?.loraA?.shape, want.a);
      assert.deepEqual(a.modules.get(want.module)?.loraB?.shape, want.b);
      assert.equal(a.other.size, 0);

      const out = join(dir, arch);
      await saveLoraAdapter(out, { config: a.config, tensors: a.tensors });
      assert.deepEqual((await readdir(out)).sort(), ['adapter_config.json', 'adapter_model.safetensors']);
      // Field by field: the same 24 keys and values PEFT 0.12 wrote.
      const ours = JSON.parse(await readFile(join(out, 'adapter_config.json'), 'utf8')) as Record<string, unknown>;
      const theirs = JSON.parse(await readFile(join(src, 'adapter_config.json'), 'utf8')) as Record<string, unknown>;
      assert.deepEqual(Object.keys(ours).sort(), Object.keys(theirs).sort());
      for (const k of Object.keys(theirs)) assert.deepEqual(ours[k], theirs[k], k);
      assert.equal(Object.keys(theirs).length, Object.keys(PEFT_012_KEYS).length);
      // And byte for byte, for both files.
      for (const f of ['adapter_config.json', 'adapter_model.safetensors']) {
        assert.ok((await readFile(join(out, f))).equals(await readFile(join(src, f))), f);
      }
    });
  }

  it('writes PEFT 0.12 defaults, inference_mode true, lora_dropout as a float, deduplicated target list', () => {
    const text = adapterConfigJson({ r: 16, loraAlpha: 32, targetModules: ['q_proj', 'v_proj', 'q_proj'], baseModelNameOrPath: 'HuggingFaceTB/SmolLM2-135M' });
    const json = JSON.parse(text) as Record<string, unknown>;
    assert.equal(json['inference_mode'], true);
    assert.deepEqual(json['target_modules'], ['q_proj', 'v_proj']);
    assert.equal(json['task_type'], 'CAUSAL_LM');
    assert.deepEqual(json['loftq_config'], {});
    assert.match(text, /\n {2}"lora_dropout": 0\.0,\n/);
    assert.ok(!text.endsWith('\n'));
  });

  it('reads a newer PEFT config, keeps unknown fields as extras, and drops them on write', async () => {
    const src = join(dir, 'new');
    await mkdir(src);
    const theirs = JSON.parse(await readFile(`${PARITY}/llama/adapter/adapter_config.json`, 'utf8')) as Record<string, unknown>;
    await writeFile(join(src, 'adapter_config.json'), JSON.stringify({ ...theirs, lora_bias: false, exclude_modules: null, peft_version: '0.17.0' }));
    await writeFile(join(src, 'adapter_model.safetensors'), await readFile(`${PARITY}/llama/adapter/adapter_model.safetensors`));
    const a = await readLoraAdapter(src);
    assert.deepEqual(a.extras, { exclude_modules: null, lora_bias: false, peft_version: '0.17.0' });
    const out = join(dir, 'out');
    await saveLoraAdapter(out, { config: a.config, tensors: a.tensors });
    assert.ok(!(await readFile(join(out, 'adapter_config.json'), 'utf8')).includes('lora_bias'));
  });

  it('legacy adapter_model.bin → IO_PEFT_LEGACY_BIN; no config → IO_PEFT_NOT_AN_ADAPTER; non-LoRA → IO_PEFT_CONFIG_INVALID', async () => {
    await assert.rejects(readLoraAdapter(dir), code('IO_PEFT_NOT_AN_ADAPTER'));
    await assert.rejects(readLoraAdapter(`${PARITY}/llama/model`), (e: unknown) => isTuneError(e) && /model folder/.test(e.diagnostics[0]?.found ?? ''));
    await writeFile(join(dir, 'adapter_config.json'), '{"peft_type": "LORA", "r": 4}');
    await writeFile(join(dir, 'adapter_model.bin'), 'PK');
    await assert.rejects(readLoraAdapter(dir), (e: unknown) => isTuneError(e) && e.code === 'IO_PEFT_LEGACY_BIN' && /only safetensors/.test(e.message));
    await writeFile(join(dir, 'adapter_config.json'), '{\n  "peft_type": "IA3"\n}');
    await assert.rejects(readLoraAdapter(dir), (e: unknown) => isTuneError(e) && e.code === 'IO_PEFT_CONFIG_INVALID' && e.diagnostics[0]?.line === 2);
    await writeFile(join(dir, 'adapter_config.json'), '{"peft_type": "LORA", "r": 0}');
    await assert.rejects(readLoraAdapter(dir), (e: unknown) => isTuneError(e) && e.code === 'IO_PEFT_CONFIG_INVALID' && e.diagnostics[0]?.path === '/r');
  });

  it('keys with an adapter name, unpaired factors and a rank mismatch are rejected', async () => {
    const t = (shape: number[]): HostTensor => ({ dtype: 'F32', shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)) });
    await writeFile(join(dir, 'adapter_config.json'), '{"peft_type": "LORA", "r": 2}');
    const st = join(dir, 'adapter_model.safetensors');
    await saveSafetensors(st, { 'base_model.model.q.lora_A.default.weight': t([2, 3]) });
    await assert.rejects(readLoraAdapter(dir), (e: unknown) => isTuneError(e) && e.code === 'IO_PEFT_KEY_INVALID' && /adapter name/.test(e.message));
    await saveSafetensors(st, { [loraKey('q', 'loraA')]: t([2, 3]) });
    await assert.rejects(readLoraAdapter(dir), (e: unknown) => isTuneError(e) && e.code === 'IO_PEFT_KEY_INVALID' && /no lora_B/.test(e.message));
    await saveSafetensors(st, { [loraKey('q', 'loraA')]: t([4, 3]), [loraKey('q', 'loraB')]: t([5, 4]) });
    await assert.rejects(readLoraAdapter(dir), code('IO_PEFT_SHAPE_MISMATCH'));
    await writeFile(join(dir, 'adapter_config.json'), '{"peft_type": "LORA", "r": 2, "rank_pattern": {"q": 4}}');
    const a = await readLoraAdapter(join(dir));
    assert.deepEqual(a.modules.get('q')?.loraB?.shape, [5, 4]);
  });
});
