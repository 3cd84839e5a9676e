import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSafetensors, saveSafetensors, type HostTensor } from '../../src/io/safetensors/index.js';
import {
  DYNAMIC_MAP_SIGNED,
  extractQuantizedWeights,
  NF4_CODE,
  dequantizeWeight,
  hasQuantizedWeight,
  parseQuantizationConfig,
  quantStateJson,
  quantizationConfigJson,
  quantizeWeight,
  quantizedFromTensors,
  quantizedToTensors,
} from '../../src/quant/index.js';
import { diagOf, lcg } from './helpers.js';

const P = 'model.layers.0.self_attn.q_proj.';
const invalid = (code: string, pred: (found: string | undefined) => boolean = () => true) => (e: unknown) =>
  diagOf(e)?.code === code && pred(diagOf(e)?.found);

describe('quant/state-dict (bitsandbytes Linear4bit keys)', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'tunekit-quant-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the bitsandbytes keys, dtypes and shapes, and the quant_state JSON byte for byte as json.dumps', () => {
    const w = lcg(5 * 8 * 20, 2, 3);
    const q = quantizeWeight(w, [20, 40], { quantType: 'nf4', compressStatistics: true, dtype: 'bfloat16' });
    const t = quantizedToTensors(P, q);
    assert.deepEqual(
      [...t].map(([k, v]) => [k.slice(P.length), v.dtype, v.shape]),
      [
        ['weight', 'U8', [400, 1]],
        ['weight.absmax', 'U8', [13]],
        ['weight.quant_map', 'F32', [16]],
        ['weight.nested_absmax', 'F32', [1]],
        ['weight.nested_quant_map', 'F32', [256]],
        ['weight.quant_state.bitsandbytes__nf4', 'U8', [t.get(`${P}weight.quant_state.bitsandbytes__nf4`)?.data.length ?? -1]],
      ],
    );
    assert.deepEqual([...(t.get(`${P}weight.quant_map`)?.data ?? [])], [...NF4_CODE]);
    assert.deepEqual(t.get(`${P}weight.nested_quant_map`)?.data, DYNAMIC_MAP_SIGNED);
    const json = new TextDecoder().decode(t.get(`${P}weight.quant_state.bitsandbytes__nf4`)?.data as Uint8Array);
    assert.match(json, /^\{"quant_type": "nf4", "blocksize": 64, "dtype": "bfloat16", "shape": \[20, 40\], "nested_blocksize": 256, "nested_dtype": "float32", "nested_offset": \d\.\d+\}$/);
    // Python's json.dumps output for these offsets (float(np.float32(v))):
    const withOffset = (o: number) => quantStateJson({ ...q.state, shape: [5, 8], offset: Math.fround(o) });
    assert.equal(withOffset(0.1), '{"quant_type": "nf4", "blocksize": 64, "dtype": "bfloat16", "shape": [5, 8], "nested_blocksize": 256, "nested_dtype": "float32", "nested_offset": 0.10000000149011612}');
    assert.ok(withOffset(1e-5).endsWith('"nested_offset": 9.999999747378752e-06}'));
    assert.ok(withOffset(0.012345).endsWith('"nested_offset": 0.01234500017017126}'));
    const plain = quantizeWeight(w, [20, 40], { quantType: 'fp4' });
    assert.equal(quantStateJson(plain.state), '{"quant_type": "fp4", "blocksize": 64, "dtype": "float32", "shape": [20, 40]}');
    assert.deepEqual([...quantizedToTensors('', plain)].map(([k, v]) => `${k}:${v.dtype}`), [
      'weight:U8', 'weight.absmax:F32', 'weight.quant_map:F32', 'weight.quant_state.bitsandbytes__fp4:U8',
    ]);
  });

  for (const [type, dq] of [['nf4', true], ['nf4', false], ['fp4', true], ['fp4', false]] as const) {
    it(`round-trips ${type}${dq ? ' + double quant' : ''} through a safetensors file to the same bytes and values`, async () => {
      const w = lcg(33 * 31, 4, 5); // odd element count: padded last byte
      const q = quantizeWeight(w, [33, 31], { quantType: type, compressStatistics: dq });
      const file = join(dir, `${type}-${dq}.safetensors`);
      await saveSafetensors(file, quantizedToTensors(P, q));
      const loaded = await loadSafetensors(file);
      assert.ok(hasQuantizedWeight(loaded, P));
      const back = quantizedFromTensors(loaded, P, file);
      assert.deepEqual(back.packed, q.packed);
      assert.deepEqual(back.state.absmax, q.state.absmax);
      assert.deepEqual(back.state.shape, [33, 31]);
      assert.equal(back.state.offset, q.state.offset);
      assert.deepEqual(dequantizeWeight(back), dequantizeWeight(q));
    });
  }

  it('splits a checkpoint into 4-bit modules and the remaining float tensors', () => {
    const all = new Map<string, HostTensor>([
      ['model.norm.weight', { dtype: 'F32', shape: [4], data: new Float32Array(4) }],
      ['lm_head.weight', { dtype: 'F32', shape: [2, 4], data: new Float32Array(8) }],
      ['model.layers.0.mlp.up_proj.bias', { dtype: 'F32', shape: [8], data: new Float32Array(8) }],
      ...quantizedToTensors('model.layers.0.mlp.up_proj.', quantizeWeight(lcg(32, 1), [8, 4], { compressStatistics: true })),
      ...quantizedToTensors('model.layers.0.self_attn.q_proj.', quantizeWeight(lcg(16, 2), [4, 4], { quantType: 'fp4' })),
    ]);
    const { quantized, rest } = extractQuantizedWeights(all, 'model.safetensors');
    assert.deepEqual([...quantized.keys()], ['model.layers.0.mlp.up_proj', 'model.layers.0.self_attn.q_proj']);
    assert.equal(quantized.get('model.layers.0.self_attn.q_proj')?.state.quantType, 'fp4');
    assert.deepEqual([...rest.keys()], ['model.norm.weight', 'lm_head.weight', 'model.layers.0.mlp.up_proj.bias']);
  });

  it('uses the stored quant_map, not its own table, when loading', () => {
    const q = quantizeWeight(lcg(64, 1), [8, 8]);
    const t = quantizedToTensors('', q);
    const map = t.get('weight.quant_map') as HostTensor;
    t.set('weight.quant_map', { ...map, data: (map.data as Float32Array).map((v) => v * 2) });
    const d = dequantizeWeight(quantizedFromTensors(t, ''));
    dequantizeWeight(q).forEach((v, i) => assert.equal(d[i], Math.fround(v * 2)));
  });

  it('rejects damaged states with QUANT_STATE_INVALID naming the key', () => {
    const q = quantizeWeight(lcg(640, 1), [10, 64], { compressStatistics: true });
    const base = quantizedToTensors('', q);
    const drop = (k: string) => new Map([...base].filter(([key]) => key !== k));
    assert.throws(() => quantizedFromTensors(drop('weight.quant_state.bitsandbytes__nf4'), '', 'x.safetensors'), invalid('QUANT_STATE_INVALID', (f) => f === 'none'));
    assert.throws(() => quantizedFromTensors(drop('weight.nested_quant_map'), ''), (e: unknown) => diagOf(e)?.code === 'QUANT_STATE_INVALID' && /nested_quant_map: missing/.test(diagOf(e)?.message ?? ''));
    const short = new Map(base).set('weight', { dtype: 'U8', shape: [10, 1], data: new Uint8Array(10) });
    assert.throws(() => quantizedFromTensors(short, ''), invalid('QUANT_STATE_INVALID', (f) => f === '10'));
    const badJson = new Map(base).set('weight.quant_state.bitsandbytes__nf4', { dtype: 'U8', shape: [3], data: new TextEncoder().encode('{"q') });
    assert.throws(() => quantizedFromTensors(badJson, ''), invalid('QUANT_STATE_INVALID'));
    const json = JSON.stringify({ quant_type: 'nf4', blocksize: 48, dtype: 'float32', shape: [10, 64] });
    const badBs = new Map(base).set('weight.quant_state.bitsandbytes__nf4', { dtype: 'U8', shape: [json.length], data: new TextEncoder().encode(json) });
    assert.throws(() => quantizedFromTensors(badBs, ''), invalid('QUANT_STATE_INVALID', (f) => f === '48'));
  });
});

describe('quant/quantization-config', () => {
  const qlora = quantizationConfigJson({ quantType: 'nf4', useDoubleQuant: true, computeDtype: 'bfloat16', skipModules: [] });

  it('parses what transformers writes for a QLoRA model and fills HF defaults', () => {
    assert.deepEqual(parseQuantizationConfig(qlora, 'config.json'), {
      quantMethod: 'bitsandbytes', loadIn4bit: true, quantType: 'nf4', useDoubleQuant: true, computeDtype: 'bfloat16', skipModules: [],
    });
    assert.deepEqual(parseQuantizationConfig({ quant_method: 'bitsandbytes', load_in_4bit: true, llm_int8_skip_modules: ['lm_head'] }), {
      quantMethod: 'bitsandbytes', loadIn4bit: true, quantType: 'fp4', useDoubleQuant: false, computeDtype: 'float32', skipModules: ['lm_head'],
    });
    assert.equal(parseQuantizationConfig(undefined), undefined);
    assert.equal(parseQuantizationConfig({ ...qlora, bnb_4bit_compute_dtype: 'torch.float16' })?.computeDtype, 'float16');
  });

  for (const [key, value, found] of [
    ['quant_method', 'gptq', '"gptq"'],
    ['load_in_8bit', true, 'true'],
    ['bnb_4bit_quant_type', 'int4', '"int4"'],
    ['bnb_4bit_use_double_quant', 'yes', '"yes"'],
    ['bnb_4bit_compute_dtype', 'float64', '"float64"'],
    ['bnb_4bit_quant_storage', 'bfloat16', '"bfloat16"'],
  ] as const) {
    it(`rejects ${key}=${JSON.stringify(value)} with QUANT_CONFIG_INVALID at /quantization_config/${key}`, () => {
      const raw = { ...qlora, [key]: value, ...(key === 'load_in_8bit' ? { _load_in_8bit: true } : {}) };
      assert.throws(
        () => parseQuantizationConfig(raw, 'm/config.json'),
        (e: unknown) => diagOf(e)?.code === 'QUANT_CONFIG_INVALID' && diagOf(e)?.path === `/quantization_config/${key}` && diagOf(e)?.found === found && diagOf(e)?.file === 'm/config.json',
      );
    });
  }
});
