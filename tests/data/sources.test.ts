import assert from 'node:assert/strict';
import { join } from 'node:path';
import { mkdirSync, writeFileSync } from 'node:fs';
import { builtinFormats } from '../helpers/formats.js';
import { prepareData } from '../../src/data/prepare.js';
import { repoSplitPatterns, type HubDatasetSource } from '../../src/data/sources/hub.js';
import { readSourceRows } from '../../src/data/sources/read-source.js';
import { writeParquet } from './helpers/write-parquet.js';
import { dataConfig, files, jsonl, rejectsWith, tokenizer, tmp } from './helpers/setup.js';

const ROWS = [
  { instruction: 'Say hi.', input: '', output: 'Hi!' },
  { instruction: 'Add.', input: '2+2', output: '4' },
];

async function prepare(path: string, extra: Record<string, unknown> = {}) {
  return prepareData({ data: dataConfig([{ path, format: 'alpaca', ...extra }]), tokenizer: await tokenizer(), formats: builtinFormats(), seed: 1 });
}

describe('data sources', () => {
  let expected: number[][];
  before(async () => {
    const dir = files({ 'a.jsonl': jsonl(ROWS) });
    expected = (await prepare(join(dir, 'a.jsonl'))).train.map((r) => r.input_ids);
    assert.equal(expected.length, 2);
  });

  it('.json array, with the line of each row', async () => {
    const dir = files({ 'a.json': `[\n  ${JSON.stringify(ROWS[0])},\n\n  ${JSON.stringify(ROWS[1])}\n]` });
    const p = await prepare(join(dir, 'a.json'));
    assert.deepEqual(p.train.map((r) => r.input_ids), expected);
    assert.deepEqual(p.trainRefs.map((r) => r[0]!.row), [1, 2]);
    const rows = await readSourceRows('a.json', new TextEncoder().encode(`[\n  ${JSON.stringify(ROWS[0])},\n\n  ${JSON.stringify(ROWS[1])}\n]`));
    assert.deepEqual(rows.map((r) => r.ref.line), [2, 4]);
  });

  it('.csv with a header (quoted commas and newlines)', async () => {
    const dir = files({ 'a.csv': 'instruction,input,output\n"Say hi.",,"Hi!"\nAdd.,2+2,4\n' });
    assert.deepEqual((await prepare(join(dir, 'a.csv'))).train.map((r) => r.input_ids), expected);
    const rows = await readSourceRows('b.csv', new TextEncoder().encode('a,b\n"x, y","multi\nline"\n3,4\n'));
    assert.deepEqual(rows.map((r) => [r.data, r.ref.row, r.ref.line]), [[{ a: 'x, y', b: 'multi\nline' }, 1, 3], [{ a: '3', b: '4' }, 2, 4]]);
  });

  it('.parquet (hand-built file, see tests/data/helpers/write-parquet.ts)', async () => {
    const bytes = writeParquet([
      { name: 'instruction', type: 'string', values: ROWS.map((r) => r.instruction) },
      { name: 'input', type: 'string', values: ROWS.map((r) => r.input) },
      { name: 'output', type: 'string', values: ROWS.map((r) => r.output) },
    ]);
    const dir = files({ 'a.parquet': bytes });
    assert.deepEqual((await prepare(join(dir, 'a.parquet'))).train.map((r) => r.input_ids), expected);
  });

  it('.txt: one document per line for completion', async () => {
    const dir = files({ 'a.txt': 'Hello world\n\nHi\n' });
    const p = await prepareData({ data: dataConfig([{ path: join(dir, 'a.txt'), format: 'completion' }], { sequence_len: 2 }), tokenizer: await tokenizer(), formats: builtinFormats(), seed: 1 });
    // Hello world <eos> Hi <eos> (the empty line is no document) → 5 tokens → 2 blocks of 2
    assert.deepEqual(p.train.map((r) => r.input_ids), [[15496, 995], [50256, 17250]]);
    assert.equal(p.stats[0]!.empty, 1);
  });

  it('a folder and a glob read every data file in sorted order', async () => {
    const dir = tmp();
    mkdirSync(join(dir, 'd'));
    writeFileSync(join(dir, 'd', 'b.jsonl'), jsonl([ROWS[1]]));
    writeFileSync(join(dir, 'd', 'a.json'), JSON.stringify([ROWS[0]]));
    writeFileSync(join(dir, 'd', 'notes.md'), '# not data');
    assert.deepEqual((await prepare(join(dir, 'd'))).train.map((r) => r.input_ids), expected);
    assert.deepEqual((await prepare(join(dir, 'd', '*.json*'))).train.map((r) => r.input_ids), expected);
  });

  it('Hub datasets go through the HubDatasetSource and pick the split files', async () => {
    const dir = files({ 'train.jsonl': jsonl(ROWS) });
    const calls: string[] = [];
    const hub: HubDatasetSource = {
      splitFiles: async (req) => (calls.push(JSON.stringify(req)), [join(dir, 'train.jsonl')]),
    };
    const p = await prepareData({ data: dataConfig([{ path: 'someorg/somedata', format: 'alpaca', revision: 'v1', name: 'en', split: 'train' }]), tokenizer: await tokenizer(), formats: builtinFormats(), seed: 1, hub });
    assert.deepEqual(p.train.map((r) => r.input_ids), expected);
    assert.deepEqual(calls, ['{"repo":"someorg/somedata","name":"en","split":"train","revision":"v1"}']);
    assert.deepEqual(repoSplitPatterns(null, 'test').slice(0, 5), ['data/test-*.parquet', 'data/test.parquet', 'test-*.parquet', 'test.parquet', 'data/test/*.parquet']);
    const none: HubDatasetSource = { splitFiles: async () => [] };
    const d = await rejectsWith(prepareData({ data: dataConfig([{ path: 'someorg/somedata', format: 'alpaca', split: 'dev' }]), tokenizer: await tokenizer(), formats: builtinFormats(), seed: 1, hub: none }), 'DATA_FILE_NOT_FOUND');
    assert.match(d.message, /split `dev`/);
  });

  it('missing file, empty glob, unknown extension, unavailable Hub: diagnostics at the recipe position', async () => {
    const locate = (p: string) => (p === '/data/datasets/0/path' ? { file: 'r.yaml', line: 7, col: 11 } : undefined);
    const run = async (path: string) => prepareData({ data: dataConfig([{ path, format: 'alpaca' }]), tokenizer: await tokenizer(), formats: builtinFormats(), seed: 1, locate });
    let d = await rejectsWith(run('/no/such/file.jsonl'), 'DATA_FILE_NOT_FOUND');
    assert.deepEqual([d.file, d.line, d.col], ['r.yaml', 7, 11]);
    d = await rejectsWith(run(join(tmp(), '*.jsonl')), 'DATA_FILE_NOT_FOUND');
    assert.equal(d.line, 7);
    const dir = files({ 'a.xml': '<x/>' });
    d = await rejectsWith(run(join(dir, 'a.xml')), 'DATA_UNSUPPORTED_FILE');
    assert.equal(d.file, join(dir, 'a.xml'));
    d = await rejectsWith(run('org/name'), 'DATA_HUB_UNAVAILABLE');
    assert.equal(d.line, 7);
  });

  it('an invalid .json file is DATA_PARSE_ERROR with line and column', async () => {
    const dir = files({ 'a.json': '[\n {"instruction": "x",\n  "output": oops}\n]' });
    const d = await rejectsWith(prepare(join(dir, 'a.json')), 'DATA_PARSE_ERROR');
    assert.deepEqual([d.file, d.line, d.col], [join(dir, 'a.json'), 3, 13]);
  });
});
