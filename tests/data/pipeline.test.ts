import assert from 'node:assert/strict';
import { join } from 'node:path';
import { builtinFormats } from '../helpers/formats.js';
import { collate } from '../../src/data/collate.js';
import { splitAndMix, valCount, type TaggedExample } from '../../src/data/mix-split.js';
import { asRow, packExamples } from '../../src/data/pack.js';
import { prepareData } from '../../src/data/prepare.js';
import { dataConfig, files, jsonl, tokenizer } from './helpers/setup.js';

const M = -100;
const ex = (ids: number[], labels?: number[]) => ({ input_ids: ids, labels: labels ?? ids.slice() });
const tagged = (d: number, n: number): TaggedExample[] => Array.from({ length: n }, (_, i) => ({ example: ex([d * 100 + i]), ref: { file: `d${d}`, row: i + 1 }, dataset: d }));
const ids = (l: TaggedExample[]) => l.map((t) => t.example.input_ids[0]);

describe('packing', () => {
  it('first-fit packs examples, positions restart, segments number examples, boundary labels masked', () => {
    const { rows, rowOf } = packExamples([ex([1, 2, 3], [M, 2, 3]), ex([4, 5, 6, 7]), ex([8, 9]), ex([10])], 6);
    assert.deepEqual(rowOf, [0, 1, 0, 0]);
    assert.deepEqual(rows[0], {
      input_ids: [1, 2, 3, 8, 9, 10],
      labels: [M, 2, 3, M, 9, M],
      position_ids: [0, 1, 2, 0, 1, 0],
      segment_ids: [1, 1, 1, 2, 2, 3],
    });
    assert.deepEqual(rows[1], { input_ids: [4, 5, 6, 7], labels: [4, 5, 6, 7], position_ids: [0, 1, 2, 3], segment_ids: [1, 1, 1, 1] });
  });
  it('collate pads right with the pad id, masks attention and labels, keeps packed positions', () => {
    const { rows } = packExamples([ex([1, 2, 3], [M, 2, 3]), ex([4, 5, 6, 7]), ex([8, 9])], 6);
    const b = collate(rows, { padTokenId: 50256 });
    assert.deepEqual(b.input_ids, [[1, 2, 3, 8, 9], [4, 5, 6, 7, 50256]]);
    assert.deepEqual(b.attention_mask, [[1, 1, 1, 1, 1], [1, 1, 1, 1, 0]]);
    assert.deepEqual(b.labels, [[M, 2, 3, M, 9], [4, 5, 6, 7, M]]);
    assert.deepEqual(b.position_ids, [[0, 1, 2, 0, 1], [0, 1, 2, 3, 4]]);
    assert.deepEqual(b.segment_ids, [[1, 1, 1, 2, 2], [1, 1, 1, 1, 0]]);
    const c = collate([asRow(ex([5, 6]))], { padTokenId: 0, padTo: 3, padToMultipleOf: 4 });
    assert.deepEqual([c.input_ids, c.position_ids, c.attention_mask], [[[5, 6, 0, 0]], [[0, 1, 2, 3]], [[1, 1, 0, 0]]]);
  });
  it('prepareData packs when data.packing (rows ≤ sequence_len, refs per segment)', async () => {
    const rows = Array.from({ length: 6 }, (_, i) => ({ instruction: `Task ${i}`, output: 'ok' }));
    const dir = files({ 'a.jsonl': jsonl(rows) });
    const plain = await prepareData({ data: dataConfig([{ path: join(dir, 'a.jsonl'), format: 'alpaca' }], { sequence_len: 128 }), tokenizer: await tokenizer(), formats: builtinFormats(), seed: 1 });
    const packed = await prepareData({ data: dataConfig([{ path: join(dir, 'a.jsonl'), format: 'alpaca' }], { sequence_len: 128, packing: true }), tokenizer: await tokenizer(), formats: builtinFormats(), seed: 1 });
    const len = plain.train[0]!.input_ids.length; // 33 tokens each → 3 per row of 128
    assert.equal(len, 33);
    assert.ok(plain.train.every((r) => r.input_ids.length === len));
    assert.equal(packed.train.length, 2);
    assert.deepEqual(packed.train[0]!.segment_ids, [...Array(33).fill(1), ...Array(33).fill(2), ...Array(33).fill(3)]);
    assert.deepEqual(packed.train[0]!.input_ids, [...plain.train[0]!.input_ids, ...plain.train[1]!.input_ids, ...plain.train[2]!.input_ids]);
    assert.deepEqual(packed.trainRefs[1]!.map((r) => r.row), [4, 5, 6]);
  });
});

describe('validation split, shuffling and mixing', () => {
  it('val_set_size: fraction (rounded up) or count', () => {
    assert.deepEqual([valCount(0, 10), valCount(0.25, 10), valCount(0.01, 10), valCount(3, 10)], [0, 3, 1, 3]);
  });
  it('shuffle: false keeps file order and takes validation from the end', () => {
    const { train, val } = splitAndMix([tagged(0, 5)], [1], 2, false, 42);
    assert.deepEqual(ids(train), [0, 1, 2]);
    assert.deepEqual(ids(val), [3, 4]);
  });
  it('shuffle is deterministic per seed and differs between seeds', () => {
    const a = splitAndMix([tagged(0, 20)], [1], 0, true, 42).train;
    const b = splitAndMix([tagged(0, 20)], [1], 0, true, 42).train;
    const c = splitAndMix([tagged(0, 20)], [1], 0, true, 7).train;
    assert.deepEqual(ids(a), ids(b));
    assert.notDeepEqual(ids(a), ids(c));
    assert.deepEqual([...ids(a)].sort((x, y) => x! - y!), Array.from({ length: 20 }, (_, i) => i));
  });
  it('weights: 2 doubles a dataset, 0.5 samples half, validation is taken before weighting', () => {
    const { train, val } = splitAndMix([tagged(0, 4), tagged(1, 4)], [2, 0.5], 2, false, 1);
    assert.deepEqual(ids(val), [102, 103]);
    assert.deepEqual(ids(train).slice(0, 8), [0, 1, 2, 3, 0, 1, 2, 3]);
    assert.equal(ids(train).filter((x) => x! >= 100).length, 1); // round(0.5 × 2 remaining)
    assert.equal(train.length, 9);
  });
});

describe('prepareData: split, shuffle and weights end to end', () => {
  it('is deterministic per seed, takes the validation rows, and mixes weighted datasets', async () => {
    const a = files({ 'a.jsonl': jsonl(Array.from({ length: 8 }, (_, i) => ({ instruction: `A${i}`, output: 'x' }))) });
    const b = files({ 'b.jsonl': jsonl(Array.from({ length: 4 }, (_, i) => ({ instruction: `B${i}`, output: 'y' }))) });
    const tok = await tokenizer();
    const run = (seed: number) =>
      prepareData({
        data: dataConfig([{ path: join(a, 'a.jsonl'), format: 'alpaca' }, { path: join(b, 'b.jsonl'), format: 'alpaca', weight: 2 }], { val_set_size: 0.25, shuffle: true }),
        tokenizer: tok, formats: builtinFormats(), seed,
      });
    const p1 = await run(42);
    const p2 = await run(42);
    const p3 = await run(7);
    const key = (p: Awaited<ReturnType<typeof run>>) => p.trainRefs.map((r) => `${r[0]!.file.endsWith('a.jsonl') ? 'A' : 'B'}${r[0]!.row}`);
    assert.deepEqual(key(p1), key(p2));
    assert.notDeepEqual(key(p1), key(p3));
    assert.equal(p1.val.length, 3); // ceil(0.25 × 12)
    const valKeys = new Set(p1.valRefs.map((r) => `${r[0]!.file}:${r[0]!.row}`));
    const trainKeys = p1.trainRefs.map((r) => `${r[0]!.file}:${r[0]!.row}`);
    assert.ok(trainKeys.every((k) => !valKeys.has(k)), 'no validation row is trained on');
    const bInVal = p1.valRefs.filter((r) => r[0]!.file.endsWith('b.jsonl')).length;
    assert.equal(p1.train.length, 8 - (3 - bInVal) + 2 * (4 - bInVal)); // B counted twice
  });
});

describe('progress', () => {
  it('reports every 2000 rows of an uncached dataset', async () => {
    const dir = files({ 'a.txt': 'hi\n'.repeat(4001) });
    const seen: string[] = [];
    await prepareData({ data: dataConfig([{ path: join(dir, 'a.txt'), format: 'completion' }], { sequence_len: 8 }), tokenizer: await tokenizer(), formats: builtinFormats(), seed: 1, onProgress: (p) => seen.push(`${p.dataset}:${p.done}/${p.total}`) });
    assert.deepEqual(seen, ['0:2000/4001', '0:4000/4001']);
  });
});
