/**
 * Every kernel the native addon provides, against tfjs' pure-JS cpu backend on the same inputs:
 * matmul in all transpose / batch / broadcast forms, fused matmul with bias and activation,
 * element-wise math with broadcasting, layout kernels, reductions, softmax, gather / scatter.
 */
import { strict as assert } from 'node:assert';
import { initEngine, tf } from '../../../src/engine/index.js';
import { loadNativeAddon } from '../../../src/engine/native/addon.js';
import { tokenCrossEntropy } from '../../../src/engine/native/cross-entropy.js';
import { seededValues } from '../../helpers/seeded.js';
import { describeNative } from '../../helpers/native.js';


const values = (n: number, seed: number): Float32Array => seededValues(n, seed, 2);

function input(shape: number[], seed: number): { shape: number[]; data: Float32Array } {
  return { shape, data: values(shape.reduce((a, b) => a * b, 1), seed) };
}

type Inputs = { shape: number[]; data: Float32Array }[];

/** Run `fn` on cpu and native with the same inputs; compare shapes and values. */
async function same(inputs: Inputs, fn: (...xs: tf.Tensor[]) => tf.Tensor | tf.Tensor[], tol = 1e-5): Promise<void> {
  const results: { shape: number[]; data: Float32Array }[][] = [];
  for (const backend of ['cpu', 'native'] as const) {
    await initEngine(backend);
    const xs = inputs.map((i) => tf.tensor(i.data, i.shape));
    const out = fn(...xs);
    const outs = Array.isArray(out) ? out : [out];
    results.push(outs.map((t) => ({ shape: t.shape, data: t.dataSync() as Float32Array })));
    tf.dispose([...xs, ...outs]);
  }
  const [cpu, native] = results as [typeof results[0], typeof results[0]];
  assert.equal(native.length, cpu.length);
  cpu.forEach((c, k) => {
    const n = native[k]!;
    assert.deepEqual(n.shape, c.shape);
    let worst = 0;
    for (let i = 0; i < c.data.length; i++) {
      const d = Math.abs(c.data[i]! - n.data[i]!) / Math.max(1, Math.abs(c.data[i]!));
      if (d > worst || Number.isNaN(d)) worst = Number.isNaN(d) ? Infinity : d;
    }
    assert.ok(worst <= tol, `output ${k}: max relative difference ${worst} > ${tol}`);
  });
}

describeNative('native kernels match the cpu backend', function () {
  this.timeout(30_000);
  after(() => initEngine('cpu'));

  it('runs on the native backend', async () => {
    const info = await initEngine('native');
    assert.equal(info.backend, 'native');
    assert.match(info.message, /^engine: native \(cpu tensors \+ OpenBLAS/);
    assert.equal(tf.getBackend(), 'native');
  });

  for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]] as const) {
    it(`matMul transposeA=${ta} transposeB=${tb}: 2-D, batched, shared weight, broadcast batch`, async () => {
      const a2 = ta ? [7, 5] : [5, 7];
      const b2 = tb ? [9, 7] : [7, 9];
      await same([input(a2, 1), input(b2, 2)], (a, b) => tf.matMul(a!, b!, ta, tb));
      await same([input([3, ...a2], 3), input([3, ...b2], 4)], (a, b) => tf.matMul(a!, b!, ta, tb));
      await same([input([2, 3, ...a2], 5), input(b2, 6)], (a, b) => tf.matMul(a!, b!, ta, tb));
      await same([input([2, 1, ...a2], 7), input([1, 3, ...b2], 8)], (a, b) => tf.matMul(a!, b!, ta, tb));
      await same([input(a2, 9), input([4, ...b2], 10)], (a, b) => tf.matMul(a!, b!, ta, tb));
      // One row (generation: the matrix-vector path), small and past the threading threshold.
      for (const [k, n] of [[7, 9], [700, 900]] as const) {
        const a1 = ta ? [k, 1] : [1, k];
        const b1 = tb ? [n, k] : [k, n];
        await same([input(a1, 11), input(b1, 12)], (a, b) => tf.matMul(a!, b!, ta, tb), 1e-4);
        await same([input([3, ...a1], 13), input(b1, 14)], (a, b) => tf.matMul(a!, b!, ta, tb), 1e-4);
      }
    });
  }

  it('matMul gradients (through the BatchMatMul gradient) agree', async () => {
    await same([input([2, 4, 6], 11), input([6, 5], 12)], (a, b) => tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.square(tf.matMul(x, y))))([a!, b!]));
  });

  it('fused matMul with rank-1 bias, broadcast bias and activations', async () => {
    await same([input([6, 8], 13), input([8, 5], 14), input([5], 15)], (a, b, c) => tf.fused.matMul({ a: a as tf.Tensor2D, b: b as tf.Tensor2D, bias: c!, activation: 'relu' }));
    await same([input([6, 8], 16), input([5, 8], 17), input([6, 1], 18)], (a, b, c) => tf.fused.matMul({ a: a as tf.Tensor2D, b: b as tf.Tensor2D, transposeB: true, bias: c!, activation: 'sigmoid' }));
    await same([input([2, 6, 8], 19), input([8, 5], 20)], (a, b) => tf.fused.matMul({ a: a as tf.Tensor3D, b: b as tf.Tensor3D, activation: 'linear' }));
  });

  it('binary ops with every broadcast pattern', async () => {
    const pairs: [number[], number[]][] = [[[4, 6], [4, 6]], [[4, 6], [6]], [[4, 6], [4, 1]], [[4, 6], [1]], [[1], [4, 6]], [[2, 1, 6], [3, 1]], [[2, 3, 4, 5], [1, 3, 1, 5]], [[6], [4, 6]]];
    const ops: ((a: tf.Tensor, b: tf.Tensor) => tf.Tensor)[] = [tf.add, tf.sub, tf.mul, tf.div, tf.maximum, tf.minimum, tf.squaredDifference];
    let seed = 30;
    for (const [sa, sb] of pairs) for (const op of ops) await same([input(sa, seed++), input(sb, seed++)], (a, b) => op(a!, b!));
  });

  it('unary math', async () => {
    const x = input([3, 257], 50);
    const pos = { shape: x.shape, data: x.data.map((v) => Math.abs(v) + 0.1) };
    await same([x], (a) => [tf.exp(a!), tf.neg(a!), tf.tanh(a!), tf.square(a!), tf.sigmoid(a!), tf.abs(a!), tf.relu(a!)], 2e-6);
    await same([pos], (a) => [tf.log(a!), tf.sqrt(a!), tf.rsqrt(a!), tf.reciprocal(a!)], 2e-6);
  });

  it('transpose, slice and split', async () => {
    await same([input([2, 3, 4, 5], 60)], (a) => [tf.transpose(a!, [0, 2, 1, 3]), tf.transpose(a!, [3, 1, 2, 0]), tf.transpose(a!)]);
    await same([input([4, 6, 8], 61)], (a) => [tf.slice(a!, [1, 2, 3], [2, 3, 4]), tf.slice(a!, [0, 0, 4], [-1, -1, 4]), tf.slice(a!, [2], [1])]);
    await same([input([5, 12], 62)], (a) => [...tf.split(a!, [4, 4, 4], 1), ...tf.split(a!, [2, 3], 0)]);
  });

  it('concat on every axis', async () => {
    await same([input([2, 3, 4], 63), input([2, 5, 4], 64), input([2, 1, 4], 65)], (a, b, c) => tf.concat([a!, b!, c!], 1));
    await same([input([2, 3, 4], 66), input([2, 3, 2], 67)], (a, b) => tf.concat([a!, b!], -1));
    await same([input([2, 3], 68), input([1, 3], 69)], (a, b) => tf.concat([a!, b!], 0));
  });

  it('sum, mean, max and min over any axes, with and without keepDims', async () => {
    for (const axis of [undefined, 0, 1, 2, -1, [0, 2], [1, 2], [0, 1]] as const) {
      for (const keep of [false, true]) {
        await same([input([3, 4, 5], 70)], (a) => [tf.sum(a!, axis as never, keep), tf.mean(a!, axis as never, keep), tf.max(a!, axis as never, keep), tf.min(a!, axis as never, keep)]);
      }
    }
  });

  it('softmax and log-softmax over a large vocabulary, with gradients', async () => {
    await same([input([3, 5000], 80)], (a) => [tf.softmax(a!), tf.logSoftmax(a!)], 1e-5);
    await same([input([2, 3, 7], 81)], (a) => tf.grad((x: tf.Tensor) => tf.sum(tf.mul(tf.softmax(x), tf.range(0, 7))))(a!));
  });

  it('gatherND and scatterND (the loss path) agree, duplicates summed', async () => {
    await same([input([5, 9], 90)], (a) => tf.gatherND(a!, tf.tensor2d([0, 3, 4, 8, 0, 3, 2, 1], [4, 2], 'int32')));
    await same([input([4, 3], 91)], (u) => tf.scatterND(tf.tensor2d([1, 0, 1, 3], [4, 1], 'int32'), u!, [5, 3]));
  });
});

describeNative('native fused cross-entropy (addon level)', () => {
  it('gives logsumexp − x[target] per row and scale·(softmax − onehot) as the gradient', () => {
    const addon = loadNativeAddon().addon!;
    const rows = 3;
    const cols = 1001;
    const x = values(rows * cols, 99);
    const targets = Int32Array.from([0, 500, 1000]);
    const losses = new Float32Array(rows);
    const dx = new Float32Array(rows * cols);
    addon.crossEntropy(x, targets, losses, dx, rows, cols, 0.5);
    for (let r = 0; r < rows; r++) {
      const row = Array.from(x.subarray(r * cols, (r + 1) * cols));
      const mx = Math.max(...row);
      const sum = row.reduce((s, v) => s + Math.exp(v - mx), 0);
      const lse = mx + Math.log(sum);
      assert.ok(Math.abs(losses[r]! - (lse - row[targets[r]!]!)) < 1e-5);
      for (const j of [0, 1, 500, 1000]) {
        const want = 0.5 * (Math.exp(row[j]! - lse) - (j === targets[r] ? 1 : 0));
        assert.ok(Math.abs(dx[r * cols + j]! - want) < 1e-6, `row ${r} col ${j}`);
      }
    }
    assert.throws(() => addon.crossEntropy(x, Int32Array.from([0, cols, 0]), losses, null, rows, cols, 1), /target outside/);
    assert.throws(() => addon.gemm(x, x, new Float32Array(4), 2, 2, 5000, false, false, null, null, 1, 0), /offset out of range/);
  });
});

describeNative('tokenCrossEntropy (fused loss op)', () => {
  after(() => initEngine('cpu'));
  it('matches the log-softmax + gather composition in value and gradient, on native and cpu', async () => {
    const x = input([4, 3001], 120);
    const targets = Int32Array.from([0, 7, 3000, 1500]);
    const weights = tf.tensor1d([0.25, 0.5, 1, 2]);
    const run = async (backend: 'cpu' | 'native'): Promise<[Float32Array, Float32Array]> => {
      await initEngine(backend);
      const t = tf.tensor2d(x.data, x.shape as [number, number]);
      const w = tf.tensor1d(weights.dataSync() as Float32Array);
      const f = (z: tf.Tensor): tf.Tensor => tf.sum(tf.mul(tokenCrossEntropy(z as tf.Tensor2D, targets), w));
      const per = tokenCrossEntropy(t, targets).dataSync() as Float32Array;
      const g = tf.grad(f)(t).dataSync() as Float32Array;
      tf.dispose([t, w]);
      return [per, g];
    };
    const [pc, gc] = await run('cpu');
    const [pn, gn] = await run('native');
    pc.forEach((v, i) => assert.ok(Math.abs(v - pn[i]!) < 1e-5, `loss ${i}: ${v} vs ${pn[i]}`));
    let worst = 0;
    gc.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - gn[i]!))));
    assert.ok(worst < 1e-6, `gradient max abs difference ${worst}`);
    weights.dispose();
  });
});
