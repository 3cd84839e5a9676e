import assert from 'node:assert/strict';
import { join } from 'node:path';
import { builtinFormats } from '../helpers/formats.js';
import type { DatasetConfig, DataConfig } from '../../src/data/config.js';
import { prepareData } from '../../src/data/prepare.js';
import { loadTokenizer } from '../../src/tokenizer/index.js';
import { writeParquet } from './helpers/write-parquet.js';
import { dataConfig, files, jsonl, rejectsWith, tokenizer, GPT2_DIR } from './helpers/setup.js';

const GOOD = { instruction: 'Say hi.', output: 'Hi!' };

async function run(ds: Partial<DatasetConfig> & { path: string }, over: Partial<DataConfig> = {}, tok?: Awaited<ReturnType<typeof tokenizer>>) {
  return prepareData({ data: dataConfig([{ format: 'alpaca', ...ds }], over), tokenizer: tok ?? (await tokenizer()), formats: builtinFormats(), seed: 3, locate: (p) => ({ file: 'recipe.yaml', line: 10, col: 5, ...(p.endsWith('/format') ? { line: 11 } : {}) }) });
}

describe('bad rows: file, row number and field', () => {
  it('jsonl: a missing field → DATA_BAD_ROW at file:line with row and field', async () => {
    const dir = files({ 'a.jsonl': jsonl([GOOD, GOOD]) + '\n' + JSON.stringify({ instruction: 'x' }) + '\n' });
    const f = join(dir, 'a.jsonl');
    const d = await rejectsWith(run({ path: f }), 'DATA_BAD_ROW');
    assert.equal(d.file, f);
    assert.equal(d.line, 4); // the blank line 3 is skipped, so row 3 sits on line 4
    assert.equal(d.message, 'row 3: field `output` is missing');
    assert.equal(d.path, '/output');
    assert.equal(d.expected, 'a string');
  });
  it('a field of the wrong type', async () => {
    const dir = files({ 'a.jsonl': jsonl([GOOD, { instruction: 42, output: 'x' }]) });
    const d = await rejectsWith(run({ path: join(dir, 'a.jsonl') }), 'DATA_BAD_ROW');
    assert.equal(d.message, 'row 2: field `instruction` is a number');
    assert.deepEqual([d.line, d.found], [2, 'number']);
  });
  it('an unparsable jsonl line and a non-object row', async () => {
    const dir = files({ 'a.jsonl': `${JSON.stringify(GOOD)}\n{"instruction": \n`, 'b.json': JSON.stringify([GOOD, [1, 2]]) });
    let d = await rejectsWith(run({ path: join(dir, 'a.jsonl') }), 'DATA_BAD_ROW');
    assert.match(d.message, /^row 2 is not valid JSON/);
    assert.equal(d.line, 2);
    d = await rejectsWith(run({ path: join(dir, 'b.json') }), 'DATA_BAD_ROW');
    assert.equal(d.message, 'row 2 is not a JSON object');
    assert.equal(d.found, 'array');
  });
  it('csv and parquet rows are numbered too', async () => {
    const dir = files({
      'a.csv': 'instruction,output,input\nx,y,\n,,\n',
      'a.parquet': writeParquet([{ name: 'instruction', type: 'string', values: ['a', 'b'] }, { name: 'output', type: 'int64', values: [1, 2] }]),
    });
    let d = await rejectsWith(run({ path: join(dir, 'a.parquet') }), 'DATA_BAD_ROW');
    assert.equal(d.message, 'row 1: field `output` is a number');
    assert.equal(d.file, join(dir, 'a.parquet'));
    // CSV gives strings, so an empty output is a valid (empty) answer: the example then only trains EOS.
    const p = await run({ path: join(dir, 'a.csv') });
    assert.equal(p.train.length, 2);
  });
  it('chat rows: nested field paths', async () => {
    const tok = await loadTokenizer(GPT2_DIR, { chatTemplate: "{% for m in messages %}{{ m.content }}{% endfor %}" });
    const dir = files({ 'c.jsonl': jsonl([{ messages: [{ role: 'user', content: 'a' }, { role: 'assistant', content: 7 }] }]) });
    const d = await rejectsWith(run({ path: join(dir, 'c.jsonl'), format: 'chat' }, {}, tok), 'DATA_BAD_ROW');
    assert.equal(d.message, 'row 1: field `messages[1].content` is not a string');
    assert.equal(d.path, '/messages/1/content');
  });
  it('on_bad_row: skip leaves bad rows out and counts them (dataset or data level)', async () => {
    const dir = files({ 'a.jsonl': jsonl([GOOD, { instruction: 'x' }, GOOD, { output: 3 }]) });
    let p = await run({ path: join(dir, 'a.jsonl'), on_bad_row: 'skip' });
    assert.equal(p.train.length, 2);
    assert.equal(p.stats[0]!.skipped, 2);
    assert.deepEqual(p.stats[0]!.skippedSamples, [`${join(dir, 'a.jsonl')}:2: output is missing`, `${join(dir, 'a.jsonl')}:4: instruction is missing`]);
    p = await run({ path: join(dir, 'a.jsonl') }, { on_bad_row: 'skip' });
    assert.equal(p.stats[0]!.skipped, 2);
  });
});

describe('lints', () => {
  it('an example with every label -100 fails (DATA_NO_TRAINED_TOKENS) with its row', async () => {
    const dir = files({ 'a.jsonl': jsonl([GOOD, { instruction: 'A long instruction that fills the whole sequence budget.', output: 'x' }]) });
    const d = await rejectsWith(run({ path: join(dir, 'a.jsonl') }, { sequence_len: 20 }), 'DATA_NO_TRAINED_TOKENS');
    assert.match(d.message, /^row 1 has no trained token \(every label is -100 after truncation/);
  });
  it('an EOS never trained fails when the format promises it (DATA_EOS_NEVER_TRAINED at the dataset)', async () => {
    // With sequence_len 34 the GPT-2 "Say hi." example (35 tokens) loses its EOS to truncation.
    const dir = files({ 'a.jsonl': jsonl([GOOD]) });
    const d = await rejectsWith(run({ path: join(dir, 'a.jsonl') }, { sequence_len: 34 }), 'DATA_EOS_NEVER_TRAINED');
    assert.deepEqual([d.file, d.line], ['recipe.yaml', 10]);
    assert.match(d.message, /never trains the EOS token `<\|endoftext\|>` \(id 50256\)/);
  });
  it('a template placeholder with no matching field fails at the recipe position', async () => {
    const dir = files({ 'a.jsonl': jsonl([GOOD]) });
    const d = await rejectsWith(run({ path: join(dir, 'a.jsonl'), template: { prompt_no_input: '{instruction} {question}' } }), 'DATA_TEMPLATE_PLACEHOLDER');
    assert.deepEqual([d.file, d.line, d.path], ['recipe.yaml', 10, '/data/datasets/0/template/prompt_no_input']);
  });
  it('an unknown format and a key of another format fail at the recipe position', async () => {
    const dir = files({ 'a.jsonl': jsonl([GOOD]) });
    let d = await rejectsWith(run({ path: join(dir, 'a.jsonl'), format: 'alpacca' }), 'DATA_UNKNOWN_FORMAT');
    assert.deepEqual([d.file, d.line, d.found], ['recipe.yaml', 11, 'alpacca']);
    assert.match(d.expected ?? '', /alpaca \| completion \| chat \| input_output \| tokenized/);
    d = await rejectsWith(run({ path: join(dir, 'a.jsonl'), text_field: 'body' }), 'DATA_BAD_OPTION');
    assert.equal(d.path, '/data/datasets/0/text_field');
  });
  it('truncation: error names the row; drop counts it', async () => {
    const dir = files({ 'a.jsonl': jsonl([GOOD, { ...GOOD, output: 'Hi! '.repeat(20) }]) });
    const d = await rejectsWith(run({ path: join(dir, 'a.jsonl') }, { sequence_len: 40, truncation: 'error' }), 'DATA_TOO_LONG');
    assert.match(d.message, /^row 2 is \d+ tokens long, over data.sequence_len 40/);
    const p = await run({ path: join(dir, 'a.jsonl') }, { sequence_len: 40, truncation: 'drop' });
    assert.deepEqual([p.train.length, p.stats[0]!.dropped], [1, 1]);
    const q = await run({ path: join(dir, 'a.jsonl') }, { sequence_len: 40, truncation: 'truncate' });
    assert.deepEqual([q.train.length, q.stats[0]!.truncated, q.train[1]!.input_ids.length], [2, 1, 40]);
  });
});
