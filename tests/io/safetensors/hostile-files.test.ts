import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isTuneError } from '../../../src/diagnostics/index.js';
import { loadSafetensors, openSafetensors, readSafetensorsHeader } from '../../../src/io/safetensors/index.js';

/** Build a safetensors file by hand: header text (or object), data bytes, optional length override. */
function build(header: string | object, data: Uint8Array = new Uint8Array(0), opts: { n?: bigint; extra?: number } = {}): Uint8Array {
  const text = typeof header === 'string' ? header : JSON.stringify(header);
  const json = new TextEncoder().encode(text);
  const out = new Uint8Array(8 + json.length + data.length + (opts.extra ?? 0));
  new DataView(out.buffer).setBigUint64(0, opts.n ?? BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

const t = (dtype: string, shape: number[], b: number, e: number) => ({ dtype, shape, data_offsets: [b, e] });

describe('safetensors reader rejects hostile files', () => {
  let dir: string;
  before(async () => { dir = await mkdtemp(join(tmpdir(), 'tk-st-')); });
  after(async () => { await rm(dir, { recursive: true, force: true }); });

  async function expectCode(bytes: Uint8Array, code: string, check?: (d: Record<string, unknown>) => void): Promise<void> {
    const file = join(dir, `${code}-${Math.random().toString(36).slice(2)}.safetensors`);
    await writeFile(file, bytes);
    await assert.rejects(loadSafetensors(file), (e: unknown) => {
      assert.ok(isTuneError(e), `expected a TuneError, got ${String(e)}`);
      const d = e.diagnostics[0]!;
      assert.equal(d.code, code, d.message);
      assert.equal(d.file, file);
      assert.ok(d.hint, 'every rejection has a hint');
      check?.(d as unknown as Record<string, unknown>);
      return true;
    });
  }

  it('file shorter than 8 bytes → IO_ST_HEADER_TOO_SMALL', () => expectCode(new Uint8Array(5), 'IO_ST_HEADER_TOO_SMALL', (d) => assert.equal(d['found'], '5 bytes')));

  it('header length above 100 MB → IO_ST_HEADER_TOO_LARGE, without allocating it', () =>
    expectCode(build('{}', undefined, { n: 100_000_001n }), 'IO_ST_HEADER_TOO_LARGE'));

  it('a 2^64-1 header length is rejected, not allocated', () => expectCode(build('{}', undefined, { n: 2n ** 64n - 1n }), 'IO_ST_HEADER_TOO_LARGE'));

  it('header length past the end of the file → IO_ST_HEADER_TRUNCATED', () => expectCode(build('{}', undefined, { n: 1000n }), 'IO_ST_HEADER_TRUNCATED'));

  it('truncated data → IO_ST_TRUNCATED naming the missing byte count', async () => {
    const full = build({ a: t('F32', [4], 0, 16) }, new Uint8Array(16));
    await expectCode(full.subarray(0, full.length - 3), 'IO_ST_TRUNCATED', (d) => assert.match(String(d['message']), /3 bytes before the end of tensor `a`/));
  });

  it('bad JSON → IO_ST_HEADER_JSON', () => expectCode(build('{"a": {"dtype": "F32",'), 'IO_ST_HEADER_JSON'));
  it('JSON that is not an object → IO_ST_HEADER_JSON', () => expectCode(build('[1,2]'), 'IO_ST_HEADER_JSON'));
  it('invalid UTF-8 → IO_ST_HEADER_UTF8', () => expectCode(build('{"\xff":1}'.replace('\xff', '')).map((b, i) => (i === 10 ? 0xff : b)), 'IO_ST_HEADER_UTF8'));

  it('non-string metadata value → IO_ST_METADATA with its path', () =>
    expectCode(build({ __metadata__: { format: 'pt', step: 3 } }), 'IO_ST_METADATA', (d) => assert.equal(d['path'], '/__metadata__/step')));

  it('metadata that is not an object → IO_ST_METADATA', () => expectCode(build({ __metadata__: 'pt' }), 'IO_ST_METADATA'));

  it('unknown dtype → IO_ST_UNKNOWN_DTYPE', () =>
    expectCode(build({ w: t('F128', [1], 0, 16) }, new Uint8Array(16)), 'IO_ST_UNKNOWN_DTYPE', (d) => {
      assert.equal(d['found'], 'F128');
      assert.equal(d['path'], '/w/dtype');
    }));

  it('missing shape → IO_ST_TENSOR_INFO', () => expectCode(build({ w: { dtype: 'F32', data_offsets: [0, 4] } }, new Uint8Array(4)), 'IO_ST_TENSOR_INFO'));
  it('negative dimension → IO_ST_TENSOR_INFO', () => expectCode(build({ w: t('F32', [-1], 0, 4) }, new Uint8Array(4)), 'IO_ST_TENSOR_INFO'));

  it('gap between tensors → IO_ST_OFFSETS', () =>
    expectCode(build({ a: t('F32', [1], 0, 4), b: t('F32', [1], 8, 12) }, new Uint8Array(12)), 'IO_ST_OFFSETS', (d) => {
      assert.match(String(d['message']), /tensor `b`.*a gap of 4 bytes/);
      assert.equal(d['expected'], 'begin = 4 (end of the previous tensor), end ≥ begin');
      assert.equal(d['found'], '[8, 12]');
    }));

  it('overlapping tensors → IO_ST_OFFSETS', () =>
    expectCode(build({ a: t('F32', [2], 0, 8), b: t('F32', [2], 4, 12) }, new Uint8Array(12)), 'IO_ST_OFFSETS', (d) => assert.match(String(d['message']), /an overlap of 4 bytes/)));

  it('first tensor not at 0 → IO_ST_OFFSETS', () => expectCode(build({ a: t('F32', [1], 4, 8) }, new Uint8Array(8)), 'IO_ST_OFFSETS'));

  it('end before begin → IO_ST_OFFSETS', () => expectCode(build({ a: t('U8', [0], 0, 0), b: t('F32', [1], 0, 4), c: t('U8', [0], 4, 2) }, new Uint8Array(4)), 'IO_ST_OFFSETS'));

  it('byte count ≠ prod(shape) × size → IO_ST_BYTE_COUNT with expected and found', () =>
    expectCode(build({ w: t('F16', [2, 3], 0, 24) }, new Uint8Array(24)), 'IO_ST_BYTE_COUNT', (d) => {
      assert.equal(d['expected'], '12 bytes (prod(shape) × 16 / 8)');
      assert.equal(d['found'], '24 bytes (data_offsets [0, 24])');
      assert.equal(d['path'], '/w/data_offsets');
    }));

  it('sub-byte tensor not filling whole bytes → IO_ST_MISALIGNED', () => expectCode(build({ w: t('F4', [3], 0, 2) }, new Uint8Array(2)), 'IO_ST_MISALIGNED'));

  it('shape whose product overflows → IO_ST_OVERFLOW', () =>
    expectCode(build({ w: t('F32', [2 ** 40, 2 ** 40], 0, 4) }, new Uint8Array(4)), 'IO_ST_OVERFLOW'));

  it('offset beyond 2^53 → IO_ST_OVERFLOW', () =>
    expectCode(build('{"w":{"dtype":"U8","shape":[1],"data_offsets":[0,18446744073709551615]}}', new Uint8Array(1)), 'IO_ST_OVERFLOW'));

  it('trailing bytes → IO_ST_TRAILING_BYTES', () =>
    expectCode(build({ a: t('F32', [1], 0, 4) }, new Uint8Array(4), { extra: 7 }), 'IO_ST_TRAILING_BYTES', (d) => assert.match(String(d['message']), /7 bytes after/)));

  it('duplicate tensor names → IO_ST_DUPLICATE_KEY', () =>
    expectCode(build('{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', new Uint8Array(4)), 'IO_ST_DUPLICATE_KEY', (d) => assert.equal(d['path'], '/')));

  it('duplicate metadata keys → IO_ST_DUPLICATE_KEY inside __metadata__', () =>
    expectCode(build('{"__metadata__":{"format":"pt","format":"np"}}'), 'IO_ST_DUPLICATE_KEY', (d) => assert.equal(d['path'], '/__metadata__')));

  it('missing file → IO_FILE_NOT_FOUND', async () => {
    await assert.rejects(readSafetensorsHeader(join(dir, 'nope.safetensors')), (e: unknown) => isTuneError(e) && e.code === 'IO_FILE_NOT_FOUND');
  });

  it('unknown tensor name on read → IO_ST_TENSOR_NOT_FOUND', async () => {
    const file = join(dir, 'ok.safetensors');
    await writeFile(file, build({ a: t('F32', [1], 0, 4) }, new Uint8Array(4)));
    const f = await openSafetensors(file);
    try {
      await assert.rejects(f.read('b'), (e: unknown) => isTuneError(e) && e.code === 'IO_ST_TENSOR_NOT_FOUND');
    } finally {
      await f.close();
    }
  });

  it('accepts empty tensors, scalars, a padded header and tensors stored out of name order', async () => {
    const file = join(dir, 'edge.safetensors');
    const data = new Uint8Array(8);
    new DataView(data.buffer).setFloat32(0, 1.5, true);
    new DataView(data.buffer).setInt32(4, -7, true);
    await writeFile(file, build(JSON.stringify({ z: t('F32', [], 0, 4), a: t('I32', [1], 4, 8), e: t('F32', [0, 3], 8, 8) }) + '   ', data));
    const m = await loadSafetensors(file);
    assert.deepEqual([...m.keys()], ['z', 'a', 'e']);
    assert.deepEqual(m.get('z'), { dtype: 'F32', shape: [], data: new Float32Array([1.5]) });
    assert.deepEqual(m.get('a'), { dtype: 'I32', shape: [1], data: new Int32Array([-7]) });
    assert.deepEqual(m.get('e'), { dtype: 'F32', shape: [0, 3], data: new Float32Array(0) });
  });
});
