import assert from 'node:assert/strict';
import { checkpointActivations, tf } from '../../src/engine/index.js';
import type { Tensor, Variable } from '@tensorflow/tfjs-core';
import { describeOnBackends } from '../helpers/backends.js';

const LAYERS = 8;
const WIDTH = 64;
const ROWS = 512;

/** One residual MLP layer; every tensor it reads is an argument, as checkpointActivations() requires. */
const layer = (x: Tensor, w1: Tensor, w2: Tensor): Tensor => tf.add(x, tf.matMul(tf.tanh(tf.matMul(x, w1)), w2));

describeOnBackends('engine: checkpointActivations (activation recomputation)', () => {
  let weights: Variable[];
  let input: Tensor;
  before(() => {
    weights = Array.from({ length: 2 * LAYERS }, (_, i) => tf.variable(tf.randomNormal([WIDTH, WIDTH], 0, 0.1, 'float32', i + 1)));
    input = tf.randomNormal([ROWS, WIDTH], 0, 1, 'float32', 99);
  });
  after(() => tf.dispose([...weights, input]));

  const loss = (block: (x: Tensor, w1: Tensor, w2: Tensor) => Tensor) => (): tf.Scalar => {
    let h = input;
    for (let i = 0; i < LAYERS; i++) h = block(h, weights[2 * i]!, weights[2 * i + 1]!);
    return tf.mean(tf.square(h));
  };

  it('gives the same loss and gradients as the plain stack', () => {
    const plain = tf.variableGrads(loss(layer), weights);
    const ckpt = tf.variableGrads(loss(checkpointActivations(layer)), weights);
    assert.ok(Math.abs(plain.value.dataSync()[0]! - ckpt.value.dataSync()[0]!) < 1e-6);
    for (const w of weights) {
      const a = plain.grads[w.name]!.dataSync();
      const b = ckpt.grads[w.name]!.dataSync();
      let max = 0;
      a.forEach((v, i) => (max = Math.max(max, Math.abs(v - b[i]!))));
      assert.ok(max < 1e-6, `${w.name}: max diff ${max}`);
    }
    tf.dispose([plain.value, ckpt.value, ...Object.values(plain.grads), ...Object.values(ckpt.grads)]);
  });

  it('lowers the peak tensor bytes and leaves the tape and memory clean', async () => {
    const before = tf.memory().numTensors;
    // Peak bytes above what is alive before the step (weights and input).
    const peak = async (f: () => tf.Scalar): Promise<number> => {
      const base = tf.memory().numBytes;
      const info = await tf.profile(() => {
        const { value, grads } = tf.variableGrads(f, weights);
        tf.dispose([value, ...Object.values(grads)]);
      });
      return info.peakBytes - base;
    };
    const plainPeak = await peak(loss(layer));
    const ckptPeak = await peak(loss(checkpointActivations(layer)));
    // Plain keeps 3 [ROWS, WIDTH] intermediates per layer alive until the backward pass.
    assert.ok(ckptPeak < 0.5 * plainPeak, `checkpointed peak ${ckptPeak} vs plain ${plainPeak}`);
    assert.equal(tf.memory().numTensors, before);
    // The outer tape was restored: an ordinary gradient still works afterwards.
    const g = tf.grad((x: Tensor) => tf.sum(tf.square(x)))(tf.tensor1d([1, 2]));
    assert.deepEqual(Array.from(g.dataSync()), [2, 4]);
  });
});
