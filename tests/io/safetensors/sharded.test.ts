import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile, unlink, copyFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isTuneError } from '../../../src/diagnostics/index.js';
import { loadWeights, openWeights, parseShardSize, saveSafetensors, saveShardedSafetensors, type HostTensor } from '../../../src/io/safetensors/index.js';

const vec = (n: number, start: number): HostTensor => ({ dtype: 'F32', shape: [n], data: Float32Array.from({ length: n }, (_, i) => start + i) });

describe('sharded safetensors checkpoints', () => {
  let dir: string;
  beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'tk-shard-')); });
  afterEach(async () => { await rm(dir, { recursive: true, force: true }); });

  const tensors = new Map<string, HostTensor>([
    ['w.a', vec(10, 0)], // 40 bytes
    ['w.b', vec(10, 100)], // 40
    ['w.big', vec(30, 200)], // 120 > limit: own shard
    ['w.c', vec(5, 300)], // 20
  ]);

  it('splits greedily like huggingface_hub and writes the index as json.dumps(indent=2, sort_keys=True)', async () => {
    const saved = await saveShardedSafetensors(dir, tensors, { maxShardSize: 64 });
    // w.a → shard 1; w.b tips over → shard 1 closed; w.big → own shard (appended first); w.b + w.c → last.
    assert.deepEqual(saved.files, ['model-00001-of-00003.safetensors', 'model-00002-of-00003.safetensors', 'model-00003-of-00003.safetensors']);
    assert.equal(saved.totalSize, 220);
    const index = await readFile(join(dir, 'model.safetensors.index.json'), 'utf8');
    assert.equal(index, `{
  "metadata": {
    "total_size": 220
  },
  "weight_map": {
    "w.a": "model-00001-of-00003.safetensors",
    "w.b": "model-00003-of-00003.safetensors",
    "w.big": "model-00002-of-00003.safetensors",
    "w.c": "model-00003-of-00003.safetensors"
  }
}
`);
    const back = await loadWeights(dir);
    assert.deepEqual(new Map([...back].sort()), new Map([...tensors].sort()));
  });

  it('writes a single model.safetensors and no index when everything fits', async () => {
    const saved = await saveShardedSafetensors(dir, tensors);
    assert.deepEqual(saved.files, ['model.safetensors']);
    assert.deepEqual(await readdir(dir), ['model.safetensors']);
    assert.deepEqual((await loadWeights(dir)).get('w.c'), tensors.get('w.c'));
  });

  it('reads one tensor at a time from the right shard', async () => {
    await saveShardedSafetensors(dir, tensors, { maxShardSize: 64 });
    const src = await openWeights(join(dir, 'model.safetensors.index.json'));
    try {
      assert.deepEqual(src.names, ['w.a', 'w.big', 'w.b', 'w.c']);
      assert.deepEqual(await src.read('w.big'), tensors.get('w.big'));
      assert.equal(src.info('w.c')?.dataOffsets[0], 40);
    } finally {
      await src.close();
    }
  });

  it('a missing shard → IO_ST_SHARD_MISSING', async () => {
    await saveShardedSafetensors(dir, tensors, { maxShardSize: 64 });
    await unlink(join(dir, 'model-00002-of-00003.safetensors'));
    await assert.rejects(loadWeights(dir), (e: unknown) => {
      assert.ok(isTuneError(e));
      assert.equal(e.code, 'IO_ST_SHARD_MISSING');
      assert.equal(e.diagnostics[0]?.path, '/weight_map/w.big');
      return true;
    });
  });

  it('a tensor in another shard than the index says → IO_ST_INDEX_MISMATCH', async () => {
    await saveShardedSafetensors(dir, tensors, { maxShardSize: 64 });
    const p = join(dir, 'model.safetensors.index.json');
    await writeFile(p, (await readFile(p, 'utf8')).replace('"w.c": "model-00003', '"w.c": "model-00001'));
    await assert.rejects(loadWeights(dir), (e: unknown) => isTuneError(e) && e.code === 'IO_ST_INDEX_MISMATCH' && /w\.c/.test(e.message));
  });

  it('a tensor listed but absent → IO_ST_INDEX_MISMATCH; a folder without weights → IO_HF_NO_WEIGHTS', async () => {
    await saveSafetensors(join(dir, 'model-00001-of-00001.safetensors'), { x: vec(1, 0) });
    await writeFile(join(dir, 'model.safetensors.index.json'), JSON.stringify({ metadata: {}, weight_map: { x: 'model-00001-of-00001.safetensors', y: 'model-00001-of-00001.safetensors' } }));
    await assert.rejects(loadWeights(dir), (e: unknown) => isTuneError(e) && e.code === 'IO_ST_INDEX_MISMATCH' && /`y` is listed/.test(e.message));
    const empty = join(dir, 'empty');
    await copyFile(join(dir, 'model.safetensors.index.json'), join(dir, 'other.json'));
    await assert.rejects(loadWeights(empty), (e: unknown) => isTuneError(e) && e.code === 'IO_FILE_NOT_FOUND');
    await rm(join(dir, 'model.safetensors.index.json'));
    await rm(join(dir, 'model-00001-of-00001.safetensors'));
    await assert.rejects(loadWeights(dir), (e: unknown) => isTuneError(e) && e.code === 'IO_HF_NO_WEIGHTS');
  });

  it('an index without weight_map → IO_ST_INDEX_INVALID; a shard path escaping the folder is refused', async () => {
    const p = join(dir, 'model.safetensors.index.json');
    await writeFile(p, '{"metadata": {}}');
    await assert.rejects(loadWeights(dir), (e: unknown) => isTuneError(e) && e.code === 'IO_ST_INDEX_INVALID');
    await writeFile(p, '{"weight_map": {"x": "../secret.safetensors"}}');
    await assert.rejects(loadWeights(dir), (e: unknown) => isTuneError(e) && e.code === 'IO_ST_INDEX_INVALID');
  });

  it('parses shard sizes as transformers does', () => {
    assert.equal(parseShardSize('5GB'), 5e9);
    assert.equal(parseShardSize('2GiB'), 2 * 2 ** 30);
    assert.equal(parseShardSize('500MB'), 5e8);
    assert.equal(parseShardSize(123), 123);
  });
});
