/**
 * The frugal backward pass (src/engine/frugal-gradients.ts): the same gradients as tfjs' own, with
 * each node's saved tensors and output gradients freed as soon as the node is differentiated.
 */
import { strict as assert } from 'node:assert';
import { checkpointActivations, initEngine, tf } from '../../src/engine/index.js';
import { nodesFromXsToY, withStockGradients } from '../../src/engine/frugal-gradients.js';
import { TEST_BACKENDS } from '../helpers/backends.js';
import { addInPlace, storageOf } from '../../src/engine/host-storage.js';
import { seededValues } from '../helpers/seeded.js';
import { requireNative } from '../helpers/native.js';

const values = (n: number, seed: number): Float32Array => seededValues(n, seed, 1);

/** A network that exercises shared inputs, pass-through gradients, broadcasting and checkpointing. */
function net(x: tf.Tensor, w: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const h = tf.tanh(tf.add(tf.matMul(x, w), b));
  const same = tf.clone(h); // Identity: its gradient is handed on unchanged
  const block = checkpointActivations((u: tf.Tensor, v: tf.Tensor) => tf.sigmoid(tf.matMul(u, v)));
  const z = tf.mul(block(same, w), h); // h used twice
  return tf.sum(tf.mul(tf.reshape(z, [-1]), tf.slice(tf.concat([tf.reshape(x, [-1]), tf.reshape(x, [-1])]), 0, z.size)));
}

describe('engine: frugal backward pass', function () {
  this.timeout(30_000);

  for (const backend of TEST_BACKENDS) {
    it(`${backend}: gradients equal tfjs' own backward pass, for tensors and variables, and no tensor leaks`, async () => {
      await initEngine(backend);
      const x = tf.tensor(values(6 * 8, 1), [6, 8]);
      const w = tf.variable(tf.tensor(values(8 * 8, 2), [8, 8]), true);
      const b = tf.tensor(values(8, 3), [8]);
      const run = (): Float32Array[] => {
        const g = tf.grads((xi: tf.Tensor, bi: tf.Tensor) => net(xi, w, bi))([x, b]);
        const { grads: vg, value } = tf.variableGrads(() => net(x, w, b) as tf.Scalar, [w]);
        const out = [...g, vg[w.name]!, value].map((t) => t.dataSync().slice() as Float32Array);
        tf.dispose([...g, vg[w.name]!, value]);
        return out;
      };
      const before = tf.memory().numTensors;
      const mine = run();
      assert.equal(tf.memory().numTensors, before, 'the frugal pass leaked tensors');
      const theirs = withStockGradients(run);
      assert.deepEqual(mine, theirs);
      tf.dispose([x, w, b]);
    });
  }

  it('holds O(1) gradients during the backward of a long chain, where tfjs holds all of them', async () => {
    await initEngine('cpu');
    const live: number[] = [];
    // A marker op that records how many tensors are alive when its gradient runs.
    const marker = tf.customGrad(((x: tf.Tensor, save: tf.GradSaveFunc) => {
      save([]);
      return { value: tf.clone(x), gradFunc: (dy: tf.Tensor) => (live.push(tf.memory().numTensors), tf.clone(dy)) };
    }) as unknown as Parameters<typeof tf.customGrad>[0]) as (x: tf.Tensor) => tf.Tensor;
    const chain = (x: tf.Tensor): tf.Tensor => {
      let h = marker(x);
      for (let i = 0; i < 60; i++) h = tf.mul(tf.sin(h), 1.01);
      return tf.sum(h);
    };
    const x = tf.tensor(values(1000, 4));
    const measure = (): number => {
      live.length = 0;
      const base = tf.memory().numTensors;
      const g = tf.grad(chain)(x);
      g.dispose();
      return live[0]! - base;
    };
    const mine = measure();
    const theirs = withStockGradients(measure);
    assert.ok(mine <= 10, `frugal: ${mine} extra tensors alive at the first node`);
    assert.ok(theirs >= 100, `tfjs: ${theirs} extra tensors alive at the first node (the comparison is meaningless otherwise)`);
    x.dispose();
  });

  it('a caller-supplied dy is never disposed', async () => {
    await initEngine('cpu');
    const dy = tf.tensor([1, 2, 3]);
    const g = tf.grad((x: tf.Tensor) => tf.mul(x, 2))(tf.tensor([4, 5, 6]), dy);
    assert.deepEqual(Array.from(g.dataSync()), [2, 4, 6]);
    assert.deepEqual(Array.from(dy.dataSync()), [1, 2, 3]);
    tf.dispose([g, dy]);
  });

  it('nodesFromXsToY keeps only nodes on a path from xs to y, with inputs narrowed to those from xs', () => {
    const t = (id: number): tf.Tensor => ({ id }) as unknown as tf.Tensor;
    const tape = [
      { id: 1, kernelName: 'A', inputs: { a: t(1), c: t(9) }, outputs: [t(2)] }, // x → 2 (c is a constant)
      { id: 2, kernelName: 'B', inputs: { a: t(9) }, outputs: [t(3)] }, // constant only
      { id: 3, kernelName: 'C', inputs: { a: t(2), b: t(3) }, outputs: [t(4)] }, // → y
      { id: 4, kernelName: 'D', inputs: { a: t(2) }, outputs: [t(5)] }, // dead end
    ];
    const out = nodesFromXsToY(tape, [t(1)], t(4));
    assert.deepEqual(out.map((n) => n.id), [1, 3]);
    assert.deepEqual(Object.keys(out[0]!.inputs), ['a']);
    assert.deepEqual(Object.keys(out[1]!.inputs), ['a']);
  });
});

describe('engine: addInPlace (gradient accumulation)', () => {
  it('adds in place only on native, and only when no other tensor or caller sees the accumulator', async function () {
    requireNative(this);
    await initEngine('native');
    const x = tf.tensor([1, 2, 3]);
    const acc = tf.add(x, 1); // a kernel output: storage owned by `acc` alone
    const storage = storageOf(acc);
    assert.equal(addInPlace(acc, x), true);
    assert.equal(storageOf(acc), storage);
    const shared = tf.add(x, 1);
    const view = tf.reshape(shared, [3, 1]);
    assert.equal(addInPlace(shared, x), false, 'storage shared with a reshape');
    const read = tf.add(x, 1);
    const seen = read.dataSync();
    assert.equal(addInPlace(read, x), false, 'storage handed out by dataSync');
    assert.deepEqual(Array.from(seen), [2, 3, 4]);
    assert.equal(addInPlace(acc, tf.tensor([1, 2])), false, 'shapes differ');
    assert.deepEqual(Array.from(acc.dataSync()), [3, 5, 7]);
    await initEngine('cpu');
    const c = tf.add(tf.tensor([1]), 1);
    assert.equal(addInPlace(c, tf.tensor([1])), false, 'the pure-JS cpu backend');
    tf.dispose([x, acc, shared, view, read]);
  });
});
