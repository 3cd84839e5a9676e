import assert from 'node:assert/strict';
import { join } from 'node:path';
import { builtinFormats } from '../helpers/formats.js';
import { prepareData } from '../../src/data/prepare.js';
import { ioHubDatasetSource } from '../../src/data/sources/hub-io.js';
import { startFakeHub, type FakeHub } from '../io/hub/fake-hub.js';
import { writeParquet } from './helpers/write-parquet.js';
import { dataConfig, jsonl, tmp, tokenizer } from './helpers/setup.js';

const SHA = 'a'.repeat(40);
const SHA2 = 'b'.repeat(40);
const ROWS = [
  { instruction: 'Say hi.', input: '', output: 'Hi!' },
  { instruction: 'Add.', input: '2+2', output: '4' },
];

describe('Hub datasets through src/io/hub (loopback fake hub)', () => {
  let hub: FakeHub;
  before(async () => {
    const parquet = Buffer.from(writeParquet(['instruction', 'input', 'output'].map((k) => ({ name: k, type: 'string' as const, values: ROWS.map((r) => r[k as keyof typeof r]) }))));
    hub = await startFakeHub([
      { type: 'dataset', name: 'tk/alpaca', refs: { main: SHA, 'refs/convert/parquet': SHA2 }, files: { [SHA]: new Map([['README.md', Buffer.from('#')]]), [SHA2]: new Map([['default/train/0000.parquet', parquet], ['default/test/0000.parquet', parquet]]) } },
      { type: 'dataset', name: 'tk/raw', refs: { main: SHA }, files: { [SHA]: new Map([['data/train-00000-of-00001.jsonl', Buffer.from(jsonl(ROWS))], ['data/test-00000-of-00001.jsonl', Buffer.from(jsonl([ROWS[0]]))]]) } },
    ]);
  });
  after(async () => hub.close());

  it('reads a split from the parquet conversion, and a repo’s own split files when there is none', async () => {
    const source = ioHubDatasetSource({ endpoint: hub.url, cacheDir: join(tmp('tk-hf-'), 'hub'), offline: false });
    const tok = await tokenizer();
    const viaParquet = await prepareData({ data: dataConfig([{ path: 'tk/alpaca', format: 'alpaca', split: 'train' }]), tokenizer: tok, formats: builtinFormats(), seed: 1, hub: source });
    const viaRaw = await prepareData({ data: dataConfig([{ path: 'tk/raw', format: 'alpaca', split: 'train' }]), tokenizer: tok, formats: builtinFormats(), seed: 1, hub: source });
    assert.equal(viaParquet.train.length, 2);
    assert.deepEqual(viaParquet.train, viaRaw.train);
    assert.match(viaParquet.trainRefs[0]![0]!.file, /datasets--tk--alpaca\/snapshots\/b{40}\/default\/train\/0000\.parquet$/);
    const test = await prepareData({ data: dataConfig([{ path: 'tk/raw', format: 'alpaca', split: 'test' }]), tokenizer: tok, formats: builtinFormats(), seed: 1, hub: source });
    assert.equal(test.train.length, 1);
  });
});
