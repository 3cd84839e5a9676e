import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  decodeBf16, decodeF16, encodeBf16, encodeF16, floatToHalf, halfToFloat, loadSafetensors, openSafetensors,
  readSafetensorsHeader, saveSafetensors, serializeSafetensors, type HostTensor,
} from '../../../src/io/safetensors/index.js';

const FIXTURE = 'tests/fixtures/parity/llama/adapter/adapter_model.safetensors';
const f32 = (shape: number[], values: number[]): HostTensor => ({ dtype: 'F32', shape, data: new Float32Array(values) });

describe('safetensors float16 / bfloat16', () => {
  it('decodes F16 bit patterns exactly', () => {
    const bits = [0x0000, 0x8000, 0x3c00, 0xc000, 0x3555, 0x7bff, 0x0001, 0x03ff, 0x0400, 0x7c00, 0xfc00];
    const want = [0, -0, 1, -2, 0.333251953125, 65504, 2 ** -24, 1023 * 2 ** -24, 2 ** -14, Infinity, -Infinity];
    const bytes = new Uint8Array(new Uint16Array(bits).buffer);
    assert.deepEqual([...decodeF16(bytes)], want);
    assert.ok(Number.isNaN(halfToFloat(0x7e00)));
  });

  it('encodes F16 with round-to-nearest-even, overflow to inf and subnormals', () => {
    assert.equal(floatToHalf(1), 0x3c00);
    assert.equal(floatToHalf(65504), 0x7bff);
    assert.equal(floatToHalf(65520), 0x7c00); // halfway to the next binade rounds up to inf
    assert.equal(floatToHalf(1 + 2 ** -11), 0x3c00); // tie → even (down)
    assert.equal(floatToHalf(1 + 3 * 2 ** -11), 0x3c02); // tie → even (up)
    assert.equal(floatToHalf(2 ** -24), 0x0001);
    assert.equal(floatToHalf(2 ** -25), 0x0000); // tie → even (zero)
    assert.equal(floatToHalf(1.5 * 2 ** -25), 0x0001);
    assert.equal(floatToHalf(-0), 0x8000);
    assert.equal(floatToHalf(NaN) & 0x7e00, 0x7e00);
    const v = new Float32Array([0.1, -3.14159, 1000.5, 1e-6]);
    assert.deepEqual([...decodeF16(encodeF16(v))], [0.0999755859375, -3.140625, 1000.5, 0.0000010132789611816406]);
  });

  it('decodes and encodes BF16 exactly (top half of float32, nearest-even)', () => {
    const bits = [0x3f80, 0xc040, 0x3eab, 0x7f80, 0x0001];
    const bytes = new Uint8Array(new Uint16Array(bits).buffer);
    assert.deepEqual([...decodeBf16(bytes)], [1, -3, 0.333984375, Infinity, 9.183549615799121e-41]);
    // 1 + 2^-8 is a tie between 1 and 1 + 2^-7 → even (1); 1 + 3·2^-8 → 1 + 2^-6.
    assert.deepEqual([...decodeBf16(encodeBf16(new Float32Array([1 + 2 ** -8, 1 + 3 * 2 ** -8, 0.1])))], [1, 1 + 2 ** -6, 0.10009765625]);
  });
});

describe('safetensors writer and reader round-trip', () => {
  let dir: string;
  before(async () => { dir = await mkdtemp(join(tmpdir(), 'tk-st-rt-')); });
  after(async () => { await rm(dir, { recursive: true, force: true }); });

  it('re-saving the PEFT fixture reproduces it byte for byte', async () => {
    const original = await readFile(FIXTURE);
    const tensors = await loadSafetensors(FIXTURE);
    const out = join(dir, 'resaved.safetensors');
    await saveSafetensors(out, tensors);
    assert.ok(Buffer.compare(await readFile(out), original) === 0);
  });

  it('writes the reference layout: metadata first, padded header, dtype-descending then name order', async () => {
    const bytes = serializeSafetensors(new Map<string, HostTensor>([
      ['b', f32([2], [1, 2])],
      ['a', { dtype: 'U8', shape: [3], data: new Uint8Array([1, 2, 3]) }],
      ['c', { dtype: 'I64', shape: [1], data: new BigInt64Array([-5n]) }],
      ['a2', f32([1], [3])],
    ]), { note: 'x' });
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    assert.equal(n % 8, 0);
    const text = new TextDecoder().decode(bytes.subarray(8, 8 + n));
    assert.equal(text.trimEnd(), '{"__metadata__":{"format":"pt","note":"x"},"c":{"dtype":"I64","shape":[1],"data_offsets":[0,8]},'
      + '"a2":{"dtype":"F32","shape":[1],"data_offsets":[8,12]},"b":{"dtype":"F32","shape":[2],"data_offsets":[12,20]},'
      + '"a":{"dtype":"U8","shape":[3],"data_offsets":[20,23]}}');
    assert.match(text, / +$/);
    assert.equal(bytes.length, 8 + n + 23);
  });

  it('round-trips every integer dtype, and floats through F32, F16 and BF16', async () => {
    const tensors = new Map<string, HostTensor>([
      ['f', f32([2, 2], [0.5, -1.25, 3, 1e-3])],
      ['i8', { dtype: 'I8', shape: [2], data: new Int8Array([-128, 127]) }],
      ['i16', { dtype: 'I16', shape: [1], data: new Int16Array([-300]) }],
      ['u16', { dtype: 'U16', shape: [1], data: new Uint16Array([65535]) }],
      ['i32', { dtype: 'I32', shape: [1], data: new Int32Array([-70000]) }],
      ['u32', { dtype: 'U32', shape: [1], data: new Uint32Array([4e9]) }],
      ['i64', { dtype: 'I64', shape: [1], data: new BigInt64Array([-(2n ** 40n)]) }],
      ['u64', { dtype: 'U64', shape: [1], data: new BigUint64Array([2n ** 63n]) }],
      ['bool', { dtype: 'BOOL', shape: [2], data: new Uint8Array([0, 1]) }],
      ['packed', { dtype: 'U8', shape: [2], data: new Uint8Array([0x12, 0xf0]) }],
    ]);
    for (const dtype of ['F32', 'F16', 'BF16'] as const) {
      const p = join(dir, `rt-${dtype}.safetensors`);
      await saveSafetensors(p, tensors, {}, { dtype });
      const back = await loadSafetensors(p);
      assert.equal(back.get('f')?.dtype, dtype);
      const want = dtype === 'F32' ? [0.5, -1.25, 3, 0.0010000000474974513] : dtype === 'F16' ? [0.5, -1.25, 3, 0.0010004043579101562] // numpy float16(1e-3)
        : [0.5, -1.25, 3, 0.00099945068359375];
      assert.deepEqual([...(back.get('f')?.data as Float32Array)], want);
      for (const [name, t] of tensors) if (name !== 'f') assert.deepEqual(back.get(name), t, name);
    }
    const header = await readSafetensorsHeader(join(dir, 'rt-BF16.safetensors'));
    assert.deepEqual(header.metadata, { format: 'pt' });
  });

  it('keeps each tensor dtype with dtype: keep', async () => {
    const p = join(dir, 'keep.safetensors');
    await saveSafetensors(p, { h: { dtype: 'F16', shape: [1], data: new Float32Array([2]) }, b: { dtype: 'BF16', shape: [1], data: new Float32Array([3]) } }, {}, { dtype: 'keep' });
    const h = await readSafetensorsHeader(p);
    assert.equal(h.tensors.get('h')?.dtype, 'F16');
    assert.equal(h.tensors.get('b')?.dtype, 'BF16');
  });

  it('decodes F64 to Float32Array', async () => {
    const p = join(dir, 'f64.safetensors');
    const data = new Float64Array([1.5, -2.25]);
    const head = '{"x":{"dtype":"F64","shape":[2],"data_offsets":[0,16]}}';
    const buf = Buffer.alloc(8 + head.length + 16);
    buf.writeBigUInt64LE(BigInt(head.length), 0);
    buf.write(head, 8);
    Buffer.from(data.buffer).copy(buf, 8 + head.length);
    await writeFile(p, buf);
    assert.deepEqual((await loadSafetensors(p)).get('x'), { dtype: 'F64', shape: [2], data: new Float32Array([1.5, -2.25]) });
  });

  it('reads tensor by tensor through openSafetensors and its async iterator', async () => {
    const f = await openSafetensors(FIXTURE);
    try {
      assert.deepEqual(f.metadata, { format: 'pt' });
      assert.equal(f.names.length, 16);
      const one = await f.read('base_model.model.model.layers.0.mlp.down_proj.lora_A.weight');
      assert.deepEqual(one.shape, [4, 88]);
      let count = 0;
      for await (const [, t] of f) count += t.data.length;
      assert.equal(count, (13248 - 8 - f.header.headerSize) / 4);
    } finally {
      await f.close();
    }
  });

  it('always writes format pt, merged with string metadata; non-string metadata is refused', async () => {
    const p = join(dir, 'meta.safetensors');
    await saveSafetensors(p, {}, { step: '7', format: 'np' });
    assert.deepEqual((await readSafetensorsHeader(p)).metadata, { format: 'pt', step: '7' });
    assert.throws(() => serializeSafetensors({}, { step: 7 as unknown as string }), (e: Error & { code?: string }) => e.code === 'IO_ST_METADATA');
  });

  it('rejects a shape that does not match the data with IO_ST_BAD_TENSOR', async () => {
    await assert.rejects(saveSafetensors(join(dir, 'bad.safetensors'), { w: f32([3], [1, 2]) }), (e: Error & { code?: string }) => e.code === 'IO_ST_BAD_TENSOR');
    assert.deepEqual((await readdir(dir)).filter((n) => n.includes('bad')), []);
  });
});
