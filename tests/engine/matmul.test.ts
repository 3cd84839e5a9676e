import assert from 'node:assert/strict';
import { initEngine, tf } from '../../src/engine/index.js';
import { transposedWeightCount } from '../../src/engine/kernels/weight-cache.js';
import type { WasmBackend } from '../../src/engine/wasm/internals.js';
import { describeOnBackends } from '../helpers/backends.js';
import { seededValues } from '../helpers/seeded.js';


const size = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);

/** Plain float64 reference for op(A)·op(B) with broadcast batch dims. */
function reference(a: Float32Array, as: number[], b: Float32Array, bs: number[], ta: boolean, tb: boolean): { data: Float64Array; shape: number[] } {
  const m = ta ? as.at(-1)! : as.at(-2)!;
  const k = ta ? as.at(-2)! : as.at(-1)!;
  const n = tb ? bs.at(-2)! : bs.at(-1)!;
  const ab = as.slice(0, -2);
  const bb = bs.slice(0, -2);
  const rank = Math.max(ab.length, bb.length);
  const pa = [...new Array<number>(rank - ab.length).fill(1), ...ab];
  const pb = [...new Array<number>(rank - bb.length).fill(1), ...bb];
  const batch = pa.map((d, i) => Math.max(d, pb[i]!));
  const out = new Float64Array(size(batch) * m * n);
  for (let bi = 0; bi < size(batch); bi++) {
    let rest = bi;
    let ia = 0;
    let ib = 0;
    let sa = 1;
    let sb = 1;
    for (let d = rank - 1; d >= 0; d--) {
      const idx = rest % batch[d]!;
      rest = Math.floor(rest / batch[d]!);
      if (pa[d]! > 1) ia += idx * sa;
      if (pb[d]! > 1) ib += idx * sb;
      sa *= pa[d]!;
      sb *= pb[d]!;
    }
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        let acc = 0;
        for (let p = 0; p < k; p++) {
          const av = a[ia * m * k + (ta ? p * m + i : i * k + p)]!;
          const bv = b[ib * k * n + (tb ? j * k + p : p * n + j)]!;
          acc += av * bv;
        }
        out[bi * m * n + i * n + j] = acc;
      }
  }
  return { data: out, shape: [...batch, m, n] };
}

function assertClose(actual: Float32Array | Int32Array | Uint8Array, expected: Float64Array, tol = 1e-4): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(actual[i]! - expected[i]!);
    if (d > tol * (1 + Math.abs(expected[i]!))) assert.fail(`element ${i}: ${actual[i]} vs ${expected[i]}`);
  }
}

/** [a shape as stored, b shape as stored] for M=5, K=7, N=3 under each transpose setting. */
const BATCHES: [string, number[], number[]][] = [
  ['2-D', [], []],
  ['batched', [4], [4]],
  ['B shared (weight)', [2, 3], []],
  ['A shared', [], [3]],
  ['broadcast 4-D', [2, 1], [1, 3]],
  ['batch of 1 vs 3', [1], [3]],
];

describeOnBackends('engine: matMul matches a float64 reference', () => {
  for (const [label, ba, bb] of BATCHES) {
    for (const ta of [false, true]) {
      for (const tb of [false, true]) {
        it(`${label}, transposeA=${ta}, transposeB=${tb}`, () => {
          const as = [...ba, ...(ta ? [7, 5] : [5, 7])];
          const bs = [...bb, ...(tb ? [3, 7] : [7, 3])];
          const av = seededValues(size(as), 1);
          const bv = seededValues(size(bs), 2);
          const want = reference(av, as, bv, bs, ta, tb);
          const got = tf.tidy(() => tf.matMul(tf.tensor(av, as), tf.tensor(bv, bs), ta, tb));
          assert.deepEqual(got.shape, want.shape);
          assertClose(got.dataSync() as Float32Array, want.data);
          got.dispose();
        });
      }
    }
  }

  it('attention-sized batched products ([12,64,32]·[12,64,32]ᵀ) and M=1 rows', () => {
    for (const [as, bs, ta, tb] of [
      [[12, 64, 32], [12, 64, 32], false, true],
      [[1, 96], [96, 40], false, false],
      [[2, 1, 96], [40, 96], false, true],
    ] as [number[], number[], boolean, boolean][]) {
      const av = seededValues(size(as), 3);
      const bv = seededValues(size(bs), 4);
      const want = reference(av, as, bv, bs, ta, tb);
      const got = tf.tidy(() => tf.matMul(tf.tensor(av, as), tf.tensor(bv, bs), ta, tb));
      assert.deepEqual(got.shape, want.shape);
      assertClose(got.dataSync() as Float32Array, want.data);
      got.dispose();
    }
  });

  it('empty and K=0 products', () => {
    assert.deepEqual(tf.matMul(tf.zeros([0, 4]), tf.zeros([4, 3])).shape, [0, 3]);
    const z = tf.matMul(tf.ones([2, 0]), tf.ones([0, 3]));
    assert.deepEqual(Array.from(z.dataSync()), [0, 0, 0, 0, 0, 0]);
  });

  it('reuses a weight across calls and frees per-call copies (no tensor leak)', () => {
    const w = tf.tensor(seededValues(7 * 3, 5), [7, 3]);
    const x = tf.tensor(seededValues(4 * 5 * 7, 6), [4, 5, 7]);
    const before = tf.memory();
    const first = tf.tidy(() => tf.matMul(x, w).dataSync().slice());
    for (let i = 0; i < 3; i++) tf.tidy(() => void tf.matMul(x, w, false, false));
    for (let i = 0; i < 3; i++) tf.tidy(() => void tf.matMul(x, tf.transpose(w), false, true));
    assert.deepEqual(tf.tidy(() => tf.matMul(x, w).dataSync()), first);
    const after = tf.memory();
    assert.equal(after.numTensors, before.numTensors);
    assert.equal(after.numBytes, before.numBytes);
    tf.dispose([w, x]);
  });

  it('fused matMul: bias (rank 1 and broadcast), activations, transposes', () => {
    const as = [2, 5, 7];
    const av = seededValues(size(as), 7);
    for (const [tb, biasShape, act] of [
      [false, [3], 'linear'],
      [false, [3], 'relu'],
      [true, [3], 'relu6'],
      [false, [5, 3], 'linear'],
      [true, [3], 'leakyrelu'],
      [false, [3], 'sigmoid'],
      [false, [3], 'elu'],
    ] as [boolean, number[], 'linear' | 'relu' | 'relu6' | 'leakyrelu' | 'sigmoid' | 'elu'][]) {
      const bs = tb ? [3, 7] : [7, 3];
      const bv = seededValues(21, 8);
      const biasV = seededValues(size(biasShape), 9);
      const prod = reference(av, as, bv, bs, false, tb);
      const want = prod.data.map((v, i) => {
        const j = i % 3;
        const row = Math.floor(i / 3) % 5;
        const x = v + biasV[biasShape.length === 1 ? j : row * 3 + j]! * 3;
        switch (act) {
          case 'relu':
            return Math.max(0, x);
          case 'relu6':
            return Math.min(6, Math.max(0, x));
          case 'leakyrelu':
            return x < 0 ? 0.1 * x : x;
          case 'sigmoid':
            return 1 / (1 + Math.exp(-x));
          case 'elu':
            return x < 0 ? Math.exp(x) - 1 : x;
          default:
            return x;
        }
      });
      const got = tf.tidy(() =>
        tf.fused.matMul({
          a: tf.tensor(av, as),
          b: tf.tensor(bv, bs),
          transposeB: tb,
          bias: tf.mul(tf.tensor(biasV, biasShape), 3),
          activation: act,
          leakyreluAlpha: 0.1,
        }),
      );
      assertClose(got.dataSync() as Float32Array, want);
      got.dispose();
    }
  });

  it('matMul gradients (which use transposed products) match the reference', () => {
    const as = [3, 5, 7];
    const bs = [7, 4];
    const av = seededValues(size(as), 10);
    const bv = seededValues(size(bs), 11);
    const dyv = seededValues(3 * 5 * 4, 12);
    const [da, db] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.matMul(a, b), tf.tensor(dyv, [3, 5, 4]))))([
      tf.tensor(av, as),
      tf.tensor(bv, bs),
    ]);
    // dA = dY·Bᵀ, dB = Σ_batch Aᵀ·dY
    assertClose(da!.dataSync() as Float32Array, reference(dyv, [3, 5, 4], bv, bs, false, true).data);
    const dbFull = reference(av, as, dyv, [3, 5, 4], true, false).data;
    const dbSum = new Float64Array(7 * 4).map((_, i) => dbFull[i]! + dbFull[28 + i]! + dbFull[56 + i]!);
    assertClose(db!.dataSync() as Float32Array, dbSum);
  });
});

describe('engine: packed transposed weights (wasm)', () => {
  before(async () => {
    await initEngine('wasm');
  });

  it('packs a weight used as a transposed B once (second use), gives the same numbers, frees it on dispose', () => {
    const backend = tf.backend() as unknown as WasmBackend;
    const w = tf.tensor(seededValues(40 * 96, 13), [40, 96]); // HF Linear layout [out, in]
    const base = transposedWeightCount(backend);
    for (const rows of [5, 1, 7, 5]) {
      const xs = [2, rows, 96];
      const xv = seededValues(size(xs), rows);
      const want = reference(xv, xs, seededValues(40 * 96, 13), [40, 96], false, true);
      const got = tf.tidy(() => tf.matMul(tf.tensor(xv, xs), w, false, true));
      assertClose(got.dataSync() as Float32Array, want.data);
      got.dispose();
    }
    assert.equal(transposedWeightCount(backend), base + 1);
    const before = tf.memory().numBytes;
    w.dispose();
    assert.equal(transposedWeightCount(backend), base);
    assert.equal(tf.memory().numBytes, before - 40 * 96 * 4);
  });

  it('never caches fresh operands (attention keys)', () => {
    const backend = tf.backend() as unknown as WasmBackend;
    const base = transposedWeightCount(backend);
    for (let i = 0; i < 3; i++) tf.tidy(() => void tf.matMul(tf.ones([4, 8]), tf.ones([6, 8]), false, true));
    assert.equal(transposedWeightCount(backend), base);
  });
});
