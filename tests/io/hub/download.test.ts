import assert from 'node:assert/strict';
import { lstat, mkdtemp, readFile, readlink, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { isTuneError } from '../../../src/diagnostics/index.js';
import { openHfModelFolder } from '../../../src/io/hf/index.js';
import { downloadDatasetSplit, downloadHubFile, downloadHubModel, hubSettings, parseRepoRef, resolveModelDir } from '../../../src/io/hub/index.js';
import { loadWeights } from '../../../src/io/safetensors/index.js';
import { startFakeHub, type FakeHub, type FakeRepo } from './fake-hub.js';

const MODEL = 'tests/fixtures/parity/llama/model';
const SHA = 'a'.repeat(40);
const SHA2 = 'b'.repeat(40);
const ENV_KEYS = ['HF_HOME', 'HF_TOKEN', 'HF_HUB_OFFLINE', 'HF_ENDPOINT', 'HF_HUB_CACHE', 'HUGGINGFACE_HUB_CACHE', 'HUGGING_FACE_HUB_TOKEN', 'HF_TOKEN_PATH', 'TRANSFORMERS_OFFLINE'];
const code = (c: string) => (e: unknown) => isTuneError(e) && e.code === c;

async function modelFiles(): Promise<Map<string, Buffer>> {
  const m = new Map<string, Buffer>();
  for (const f of ['config.json', 'generation_config.json', 'model.safetensors']) m.set(f, await readFile(join(MODEL, f)));
  m.set('README.md', Buffer.from('# not downloaded by default\n'));
  m.set('original/params.json', Buffer.from('{}'));
  m.set('consolidated.safetensors', Buffer.from('not fetched'));
  return m;
}

describe('hub downloads (loopback fake hub)', () => {
  let hub: FakeHub;
  let home: string;
  let saved: Record<string, string | undefined>;
  let repos: FakeRepo[];

  before(async () => {
    const files = await modelFiles();
    repos = [
      { type: 'model', name: 'tk/llama-tiny', refs: { main: SHA, v1: SHA }, files: { [SHA]: files }, lfs: new Set(['model.safetensors']) },
      { type: 'model', name: 'tk/private', refs: { main: SHA }, files: { [SHA]: files }, token: 'hf_secret' },
      { type: 'model', name: 'tk/corrupt', refs: { main: SHA }, files: { [SHA]: files }, lfs: new Set(['model.safetensors']), badSha: new Set(['model.safetensors']) },
      {
        type: 'dataset', name: 'tk/ds', refs: { main: SHA, 'refs/convert/parquet': SHA2 },
        files: {
          [SHA]: new Map([['data/train.jsonl', Buffer.from('{"a":1}\n')]]),
          [SHA2]: new Map([['default/train/0000.parquet', Buffer.from('PAR1train')], ['default/train/0001.parquet', Buffer.from('PAR1train2')], ['default/test/0000.parquet', Buffer.from('PAR1test')]]),
        },
      },
    ];
    hub = await startFakeHub(repos);
    saved = Object.fromEntries(ENV_KEYS.map((k) => [k, process.env[k]]));
  });
  after(async () => {
    await hub.close();
    for (const k of ENV_KEYS) if (saved[k] === undefined) delete process.env[k]; else process.env[k] = saved[k];
  });
  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), 'tk-hub-'));
    for (const k of ENV_KEYS) delete process.env[k];
    process.env['HF_HOME'] = home;
    process.env['HF_ENDPOINT'] = hub.url;
    hub.log.length = 0;
  });
  afterEach(async () => { await rm(home, { recursive: true, force: true }); });

  it('downloads a model into the huggingface_hub cache layout and loads it', async () => {
    const snap = await downloadHubModel('tk/llama-tiny');
    const repoDir = join(home, 'hub', 'models--tk--llama-tiny');
    assert.equal(snap.dir, join(repoDir, 'snapshots', SHA));
    assert.equal(snap.commit, SHA);
    assert.deepEqual(snap.files, ['config.json', 'generation_config.json', 'model.safetensors']);
    assert.equal(await readFile(join(repoDir, 'refs', 'main'), 'utf8'), SHA);
    const weights = await readFile(join(MODEL, 'model.safetensors'));
    const sha256 = createHash('sha256').update(weights).digest('hex');
    assert.ok((await lstat(join(snap.dir, 'model.safetensors'))).isSymbolicLink());
    assert.equal(await readlink(join(snap.dir, 'model.safetensors')), join('..', '..', 'blobs', sha256));
    assert.ok((await readFile(join(repoDir, 'blobs', sha256))).equals(weights));
    const m = await openHfModelFolder(snap.dir);
    assert.equal(m.config.numKvHeads, 2);
    assert.deepEqual(await loadWeights(snap.dir), await loadWeights(MODEL));
    assert.ok(!hub.log.some((r) => /README|original|consolidated/.test(r.url)));
  });

  it('a second download fetches nothing; offline mode then works without any request', async () => {
    await downloadHubModel('tk/llama-tiny');
    hub.log.length = 0;
    const again = await downloadHubModel('tk/llama-tiny');
    assert.equal(again.downloadedBytes, 0);
    assert.ok(!hub.log.some((r) => r.url.includes('/resolve/')));
    hub.log.length = 0;
    process.env['HF_HUB_OFFLINE'] = '1';
    const off = await downloadHubModel('tk/llama-tiny');
    assert.equal(off.dir, again.dir);
    assert.deepEqual(off.files, again.files);
    assert.equal(hub.log.length, 0);
    delete process.env['HF_HUB_OFFLINE'];
    // An unreachable hub falls back to the cached revision, as huggingface_hub does.
    const unreachable = await downloadHubModel('tk/llama-tiny', { endpoint: 'http://127.0.0.1:1' });
    assert.equal(unreachable.dir, again.dir);
  });

  it('offline with nothing cached → IO_HUB_NOT_CACHED; an uncached file → IO_HUB_NOT_CACHED', async () => {
    await assert.rejects(downloadHubModel('tk/llama-tiny', { offline: true }), (e: unknown) => isTuneError(e) && e.code === 'IO_HUB_NOT_CACHED' && /HF_HUB_OFFLINE/.test(e.diagnostics[0]?.hint ?? ''));
    await downloadHubModel('tk/llama-tiny');
    await assert.rejects(downloadHubFile('tk/llama-tiny', 'README.md', { offline: true }), code('IO_HUB_NOT_CACHED'));
    await assert.rejects(downloadHubModel('tk/llama-tiny@v1', { offline: true }), code('IO_HUB_NOT_CACHED'));
    assert.equal(hub.log.filter((r) => r.url.includes('/resolve/')).length, 6); // 3 files × (size probe + body)
  });

  it('resumes a download whose connection dropped half-way with an HTTP Range request', async () => {
    hub.dropOnce.add('model.safetensors');
    const snap = await downloadHubModel('tk/llama-tiny');
    const weights = await readFile(join(MODEL, 'model.safetensors'));
    assert.ok((await readFile(join(snap.dir, 'model.safetensors'))).equals(weights));
    const ranges = hub.log.filter((r) => r.url.endsWith('/model.safetensors')).map((r) => r.range);
    assert.deepEqual(ranges, ['bytes=0-0', undefined, `bytes=${weights.length >> 1}-${weights.length - 1}`]);
  });

  it('resumes a partial .incomplete blob left by an earlier run', async () => {
    const weights = await readFile(join(MODEL, 'model.safetensors'));
    const blobs = join(home, 'hub', 'models--tk--llama-tiny', 'blobs');
    await mkdir(blobs, { recursive: true });
    const sha256 = createHash('sha256').update(weights).digest('hex');
    await writeFile(join(blobs, `${sha256}.incomplete`), weights.subarray(0, 1000));
    const snap = await downloadHubModel('tk/llama-tiny');
    assert.ok((await readFile(join(snap.dir, 'model.safetensors'))).equals(weights));
    assert.ok(hub.log.some((r) => r.range === `bytes=1000-${weights.length - 1}`));
  });

  it('401 without a token → IO_HUB_AUTH; HF_TOKEN is sent as a bearer token', async () => {
    await assert.rejects(downloadHubModel('tk/private'), (e: unknown) => isTuneError(e) && e.code === 'IO_HUB_AUTH' && /HF_TOKEN/.test(e.diagnostics[0]?.hint ?? ''));
    process.env['HF_TOKEN'] = 'hf_secret';
    hub.log.length = 0;
    const snap = await downloadHubModel('tk/private');
    assert.equal(snap.files.length, 3);
    assert.equal(hub.log.length, 8); // info + tree + 3 × (probe + body)
    assert.ok(hub.log.every((r) => r.auth === 'Bearer hf_secret'));
  });

  it('404 repo, missing file, corrupt LFS blob, unreachable endpoint', async () => {
    await assert.rejects(downloadHubModel('tk/nope'), code('IO_HUB_NOT_FOUND'));
    await assert.rejects(downloadHubFile('tk/llama-tiny', 'missing.json'), code('IO_HUB_NOT_FOUND'));
    await assert.rejects(downloadHubModel('tk/corrupt'), code('IO_HUB_CHECKSUM'));
    await assert.rejects(downloadHubModel('tk/llama-tiny', { endpoint: 'http://127.0.0.1:1' }), (e: unknown) => isTuneError(e) && e.code === 'IO_HUB_HTTP' && /HF_HUB_OFFLINE/.test(e.diagnostics[0]?.hint ?? ''));
    assert.throws(() => parseRepoRef('not a repo'), code('IO_HUB_BAD_REPO_ID'));
  });

  it('datasets: a split from refs/convert/parquet, or the repo’s own data files', async () => {
    const snap = await downloadDatasetSplit('datasets/tk/ds', { split: 'train' });
    assert.deepEqual(snap.files, ['default/train/0000.parquet', 'default/train/0001.parquet']);
    assert.equal(await readFile(join(snap.dir, snap.files[1]!), 'utf8'), 'PAR1train2');
    assert.equal(await readFile(join(home, 'hub', 'datasets--tk--ds', 'refs', 'refs', 'convert', 'parquet'), 'utf8'), SHA2);
    const own = await downloadDatasetSplit('datasets/tk/ds', { split: 'train', dataFiles: ['data/*.jsonl'] });
    assert.deepEqual(own.files, ['data/train.jsonl']);
    const offline = await downloadDatasetSplit('datasets/tk/ds', { split: 'test', offline: true }).catch((e: unknown) => e);
    assert.ok(isTuneError(offline) && offline.code === 'IO_HUB_NOT_CACHED');
  });

  it('resolveModelDir: local paths stay local, hub ids are downloaded', async () => {
    assert.deepEqual(await resolveModelDir(MODEL), { dir: MODEL, source: 'local' });
    assert.deepEqual(await resolveModelDir('tk/llama-tiny@v1'), { dir: join(home, 'hub', 'models--tk--llama-tiny', 'snapshots', SHA), source: 'hub', commit: SHA });
    assert.deepEqual(await resolveModelDir('./missing/model'), { dir: './missing/model', source: 'local' }); // openHfModelFolder reports it
    await assert.rejects(resolveModelDir('not a model'), code('IO_HUB_BAD_REPO_ID'));
  });

  it('reads HF_ENDPOINT, HF_TOKEN, HF_HOME, HF_HUB_CACHE and HF_HUB_OFFLINE like huggingface_hub', () => {
    const s = hubSettings({}, { HF_HOME: '/h', HF_ENDPOINT: 'http://mirror/', HF_TOKEN: 'hf_x', HF_HUB_OFFLINE: 'true' });
    assert.deepEqual(s, { endpoint: 'http://mirror', token: 'hf_x', cacheDir: join('/h', 'hub'), offline: true });
    assert.equal(hubSettings({}, { HF_HOME: '/h', HF_HUB_CACHE: '/c' }).cacheDir, '/c');
    assert.equal(hubSettings({ offline: false }, { HF_HOME: '/h', HF_HUB_OFFLINE: '1' }).offline, false);
    assert.deepEqual(parseRepoRef('datasets/org/ds@refs/convert/parquet'), { type: 'dataset', name: 'org/ds', revision: 'refs/convert/parquet' });
  });
});
