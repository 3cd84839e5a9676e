import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isTuneError } from '../../src/diagnostics/index.js';
import { withAtomicFile, writeDirAtomic, writeFileAtomic } from '../../src/io/atomic.js';
import { saveSafetensors } from '../../src/io/safetensors/index.js';

describe('atomic writes', () => {
  let dir: string;
  beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'tk-atomic-')); });
  afterEach(async () => { await rm(dir, { recursive: true, force: true }); });

  it('writeFileAtomic replaces a file and leaves no temporary behind', async () => {
    const p = join(dir, 'a.json');
    await writeFileAtomic(p, 'one');
    await writeFileAtomic(p, new TextEncoder().encode('two'));
    assert.equal(await readFile(p, 'utf8'), 'two');
    assert.deepEqual(await readdir(dir), ['a.json']);
  });

  it('a failing streamed write keeps the old file and removes the temporary', async () => {
    const p = join(dir, 'm.safetensors');
    await writeFile(p, 'old');
    await assert.rejects(withAtomicFile(p, async (fh) => {
      await fh.write('partial');
      throw new Error('boom');
    }), /boom/);
    assert.equal(await readFile(p, 'utf8'), 'old');
    assert.deepEqual(await readdir(dir), ['m.safetensors']);
  });

  it('a safetensors writer error leaves nothing behind', async () => {
    await assert.rejects(saveSafetensors(join(dir, 'x.safetensors'), { w: { dtype: 'F32', shape: [5], data: new Float32Array(2) } }));
    assert.deepEqual(await readdir(dir), []);
  });

  it('writeDirAtomic builds a folder, and swaps it in over an existing one', async () => {
    const out = join(dir, 'ckpt');
    await writeDirAtomic(out, async (tmp) => {
      await writeFile(join(tmp, 'a'), '1');
      await mkdir(join(tmp, 'sub'));
      await writeFile(join(tmp, 'sub', 'b'), '2');
    });
    assert.deepEqual((await readdir(out)).sort(), ['a', 'sub']);
    const result = await writeDirAtomic(out, async (tmp) => {
      await writeFile(join(tmp, 'c'), '3');
      return 42;
    });
    assert.equal(result, 42);
    assert.deepEqual(await readdir(out), ['c']);
    assert.deepEqual(await readdir(dir), ['ckpt']);
  });

  it('a failing build keeps the previous folder untouched and removes the temporary', async () => {
    const out = join(dir, 'ckpt');
    await writeDirAtomic(out, async (tmp) => writeFile(join(tmp, 'keep'), 'v1'));
    await assert.rejects(writeDirAtomic(out, async (tmp) => {
      await writeFile(join(tmp, 'half'), 'x');
      throw new Error('disk gone');
    }), /disk gone/);
    assert.deepEqual(await readdir(dir), ['ckpt']);
    assert.equal(await readFile(join(out, 'keep'), 'utf8'), 'v1');
  });

  it('a file in the way → IO_WRITE_FAILED, temporary removed', async () => {
    const out = join(dir, 'taken');
    await writeFile(out, 'file');
    await assert.rejects(writeDirAtomic(out, async (tmp) => writeFile(join(tmp, 'a'), '1')), (e: unknown) => isTuneError(e) && e.code === 'IO_WRITE_FAILED');
    assert.deepEqual(await readdir(dir), ['taken']);
  });

  it('an unwritable location → IO_WRITE_FAILED with a hint', async () => {
    await writeFile(join(dir, 'f'), 'x');
    await assert.rejects(writeFileAtomic(join(dir, 'f', 'child.json'), '{}'), (e: unknown) => isTuneError(e) && e.code === 'IO_WRITE_FAILED' && !!e.diagnostics[0]?.hint);
  });
});
