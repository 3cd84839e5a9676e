/**
 * Output-buffer reuse on the native backend: arrays come back only when no live tensor and no
 * caller can see them, and reused (dirty) arrays never leak old contents into results.
 */
import { strict as assert } from 'node:assert';
import { initEngine, tf } from '../../../src/engine/index.js';
import { BufferPool, defaultPoolLimit } from '../../../src/engine/native/buffer-pool.js';
import type { NativeBackendLike } from '../../../src/engine/native/backend.js';
import { seededValues } from '../../helpers/seeded.js';
import { requireNative } from '../../helpers/native.js';


const values = (n: number, seed: number): Float32Array => seededValues(n, seed, 2);

describe('BufferPool (unit)', () => {
  it('reuses a released pool-born array of the same length, and zeroes it on request', () => {
    const pool = new BufferPool(1 << 20);
    const a = pool.alloc(100);
    a.fill(7);
    pool.track(a);
    pool.release(a);
    assert.deepEqual(pool.stats(), { hits: 0, misses: 1, pooledBytes: 400 });
    assert.equal(pool.alloc(99).length, 99, 'another length is a new array');
    const b = pool.alloc(100, true);
    assert.equal(b, a);
    assert.ok(b.every((x) => x === 0));
    assert.equal(pool.stats().hits, 1);
  });

  it('never reuses arrays it did not allocate, that escaped, or whose buffer another entry still holds', () => {
    const pool = new BufferPool(1 << 20);
    const foreign = new Float32Array(10);
    pool.track(foreign);
    pool.release(foreign);
    const escaped = pool.alloc(10);
    pool.track(escaped);
    pool.escape(escaped);
    pool.release(escaped);
    const shared = pool.alloc(10);
    const view = shared.subarray(2, 6);
    pool.track(shared);
    pool.track(view);
    pool.release(shared);
    assert.equal(pool.stats().pooledBytes, 0, 'a view still holds the buffer');
    pool.release(view);
    assert.equal(pool.stats().pooledBytes, 40, 'the last owner gone: the whole array comes back');
    assert.equal(pool.alloc(10), shared);
    assert.notEqual(pool.alloc(10), foreign);
  });

  it('holds at most its byte limit; a zero limit disables reuse', () => {
    const pool = new BufferPool(1000);
    const arrays = [pool.alloc(200), pool.alloc(200)];
    for (const a of arrays) pool.track(a);
    for (const a of arrays) pool.release(a);
    assert.equal(pool.stats().pooledBytes, 800);
    const off = new BufferPool(0);
    const a = off.alloc(4);
    off.track(a);
    off.release(a);
    assert.equal(off.stats().pooledBytes, 0);
  });

  it('defaults to an eighth of memory between 512 MiB and 4 GiB; TUNEKIT_POOL_MB overrides', () => {
    const GiB = 2 ** 30;
    assert.equal(defaultPoolLimit({}, 24 * GiB), 3 * GiB);
    assert.equal(defaultPoolLimit({}, 2 * GiB), 512 * 2 ** 20);
    assert.equal(defaultPoolLimit({}, 256 * GiB), 4 * GiB);
    assert.equal(defaultPoolLimit({ TUNEKIT_POOL_MB: '64' }, 24 * GiB), 64 * 2 ** 20);
    assert.equal(defaultPoolLimit({ TUNEKIT_POOL_MB: '0' }, 24 * GiB), 0);
  });
});

describe('buffer reuse on the native backend', function () {
  this.timeout(30_000);
  before(async function () {
    requireNative(this);
    await initEngine('native');
  });
  const pool = (): BufferPool => (tf.backend() as NativeBackendLike).pool;

  it('a disposed kernel output is reused by the next output of that size', () => {
    const a = tf.tensor(values(4096, 1));
    const b = tf.tensor(values(4096, 2));
    const first = tf.mul(a, b);
    const firstStorage = (tf.backend() as NativeBackendLike).data.get(first.dataId).values;
    first.dispose();
    const hits = pool().stats().hits;
    const second = tf.add(a, b);
    assert.equal(pool().stats().hits, hits + 1);
    assert.equal((tf.backend() as NativeBackendLike).data.get(second.dataId).values, firstStorage);
    const want = values(4096, 1).map((x, i) => x + values(4096, 2)[i]!);
    assert.deepEqual(second.dataSync(), want);
    tf.dispose([a, b, second]);
  });

  it('an array handed out by dataSync() is never reused, so it keeps its values', () => {
    const a = tf.tensor(values(2048, 3));
    const t = tf.mul(a, 2);
    const kept = t.dataSync();
    const copy = kept.slice();
    t.dispose();
    const u = tf.mul(a, -5);
    assert.deepEqual(kept, copy);
    assert.notEqual(u.dataSync(), kept);
    tf.dispose([a, u]);
  });

  it('reshaped tensors share storage: the array returns only when the last one is disposed', () => {
    const a = tf.tensor(values(1024, 4));
    const t = tf.mul(a, 3);
    const r = tf.reshape(t, [32, 32]);
    t.dispose();
    const u = tf.mul(a, 4);
    assert.deepEqual(r.dataSync(), values(1024, 4).map((x) => Math.fround(x * 3)));
    tf.dispose([a, r, u]);
  });

  it('dirty reused arrays (NaN-filled) never leak into matmul, scatter, reduction or concat results', async () => {
    const cases: [string, () => tf.Tensor][] = [
      ['matMul', () => tf.matMul(tf.tensor(values(12 * 20, 5), [12, 20]), tf.tensor(values(20 * 16, 6), [20, 16]))],
      ['matMul k=0', () => tf.matMul(tf.zeros([12, 0]), tf.zeros([0, 16]))],
      ['matMul one row (SGEMV)', () => tf.matMul(tf.tensor(values(20, 15), [1, 20]), tf.tensor(values(20 * 16, 16), [20, 16]))],
      ['matMul one row, transposed weight', () => tf.matMul(tf.tensor(values(20, 17), [1, 20]), tf.tensor(values(16 * 20, 18), [16, 20]), false, true)],
      ['scatterND', () => tf.scatterND(tf.tensor2d([[1], [3], [1]], [3, 1], 'int32'), tf.tensor(values(3 * 16, 7), [3, 16]), [12, 16])],
      ['sum over leading axis', () => tf.sum(tf.tensor(values(5 * 12 * 16, 8), [5, 12, 16]), 0)],
      ['concat', () => tf.concat([tf.tensor(values(12 * 6, 9), [12, 6]), tf.tensor(values(12 * 10, 10), [12, 10])], 1)],
    ];
    const results = new Map<string, Float32Array>();
    for (const backend of ['cpu', 'native'] as const) {
      await initEngine(backend);
      for (const [name, fn] of cases) {
        // Fill the pool with NaN arrays of the outputs' sizes (12×16, 1×16) first.
        const junk = [[12, 16], [1, 16]].flatMap((shape) => Array.from({ length: 4 }, () => tf.div(tf.zeros(shape), tf.zeros(shape))));
        tf.dispose(junk);
        const out = tf.tidy(fn);
        const data = out.dataSync() as Float32Array;
        out.dispose();
        if (backend === 'cpu') results.set(name, data.slice());
        else {
          assert.ok(!data.some(Number.isNaN), `${name}: NaN from a reused array`);
          const want = results.get(name)!;
          for (let i = 0; i < want.length; i++) assert.ok(Math.abs(data[i]! - want[i]!) <= 1e-4 * Math.max(1, Math.abs(want[i]!)), `${name}[${i}]`);
        }
      }
    }
  });
});
