import assert from 'node:assert/strict';
import { tf } from '../../src/engine/index.js';
import type { Tensor, Variable } from '@tensorflow/tfjs-core';
import { describeOnBackends, forEachBackend } from '../helpers/backends.js';

const X0 = [
  [0.3, -1.2, 0.5, 2.0],
  [-0.7, 0.1, 1.5, -0.3],
  [0.9, -0.4, -2.1, 0.6],
];
const w4 = (): Tensor => tf.tensor2d([[0.5, -1, 2, 0.25]]);

/** Scalar functions of a [3,4] input covering the ops (and hence gradients) a transformer uses. */
const OPS: Record<string, (x: Tensor) => Tensor> = {
  gather: (x) => tf.sum(tf.gather(x, tf.tensor1d([0, 2, 1, 2], 'int32'))),
  gatherAxis1: (x) => tf.sum(tf.square(tf.gather(x, tf.tensor1d([3, 0, 3], 'int32'), 1))),
  gatherNd: (x) => tf.sum(tf.mul(tf.gatherND(x, tf.tensor2d([[0, 1], [2, 3], [0, 1]], [3, 2], 'int32')), tf.tensor1d([1, 2, 3]))),
  softmax: (x) => tf.sum(tf.mul(tf.softmax(x), w4())),
  logSoftmax: (x) => tf.sum(tf.mul(tf.logSoftmax(x), w4())),
  geluTanh: (x) => tf.sum(tf.mul(tf.mul(x, 0.5), tf.add(1, tf.tanh(tf.mul(Math.sqrt(2 / Math.PI), tf.add(x, tf.mul(0.044715, tf.pow(x, 3)))))))),
  geluErf: (x) => tf.sum(tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.div(x, Math.SQRT2))))),
  silu: (x) => tf.sum(tf.mul(x, tf.sigmoid(x))),
  softplus: (x) => tf.sum(tf.softplus(x)),
  selu: (x) => tf.sum(tf.selu(x)),
  elu: (x) => tf.sum(tf.elu(x)),
  rmsNorm: (x) => tf.sum(tf.mul(tf.mul(x, tf.rsqrt(tf.add(tf.mean(tf.square(x), -1, true), 1e-6))), w4())),
  layerNorm: (x) => {
    const { mean, variance } = tf.moments(x, -1, true);
    return tf.sum(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-5))), w4()));
  },
  cumsum: (x) => tf.sum(tf.mul(tf.cumsum(x, 1), x)),
  cumsumReverse: (x) => tf.sum(tf.mul(tf.cumsum(x, 1, true, true), x)),
  maskedWhere: (x) => tf.sum(tf.where(tf.greater(x, 0), x, tf.mul(x, 0.1))),
  maxReduce: (x) => tf.sum(tf.max(x, 1)),
  logSumExp: (x) => tf.sum(tf.logSumExp(x, 1)),
  sliceConcat: (x) => tf.sum(tf.square(tf.concat([tf.slice(x, [0, 1], [3, 2]), x], 1))),
  splitTranspose: (x) => {
    const [a, b] = tf.split(x, 2, 1);
    return tf.sum(tf.matMul(tf.transpose(a!), b!));
  },
  tileBroadcast: (x) => tf.sum(tf.square(tf.broadcastTo(tf.reshape(x, [1, 3, 4]), [2, 3, 4]))),
  pad: (x) => tf.sum(tf.square(tf.pad(x, [[1, 0], [0, 2]]))),
  clipMinMax: (x) => tf.sum(tf.add(tf.clipByValue(x, -0.5, 0.5), tf.maximum(x, 0.1))),
  softmaxCrossEntropy: (x) => tf.losses.softmaxCrossEntropy(tf.oneHot(tf.tensor1d([1, 2, 3], 'int32'), 4), x),
  unsortedSegmentSum: (x) => tf.sum(tf.square(tf.unsortedSegmentSum(x, tf.tensor1d([0, 1, 0], 'int32'), 2))),
};

describeOnBackends('engine: UnsortedSegmentSum kernel', (backend) => {
  it('sums rows by segment, drops out-of-range ids, handles int32', () => {
    const x = tf.tensor2d([[1, 2], [3, 4], [5, 6], [7, 8], [9, 10]]);
    const ids = tf.tensor1d([0, 2, -1, 2, 5], 'int32');
    assert.deepEqual(Array.from(tf.unsortedSegmentSum(x, ids, 3).dataSync()), [1, 2, 0, 0, 10, 12]);
    const xi = tf.tensor1d([1, 2, 3, 4], 'int32');
    const r = tf.unsortedSegmentSum(xi, tf.tensor1d([1, 1, 0, 1], 'int32'), 2);
    // TF keeps int32; tfjs' stock cpu kernel returns float32 (values equal).
    assert.equal(r.dtype, backend === 'wasm' ? 'int32' : 'float32');
    assert.deepEqual(Array.from(r.dataSync()), [3, 7]);
  });

  it('gives trainable embeddings their gradient (gather → UnsortedSegmentSum)', () => {
    const emb = tf.tensor2d([[1, 1], [2, 2], [3, 3]]);
    const g = tf.grad((e: Tensor) => tf.sum(tf.gather(e, tf.tensor1d([2, 0, 2, 2], 'int32'))))(emb);
    assert.deepEqual(Array.from(g.dataSync()), [1, 1, 0, 0, 3, 3]);
  });

  it('GatherNd gradient accumulates duplicate indices', () => {
    const x = tf.zeros([2, 3]);
    const g = tf.grad((t: Tensor) => tf.sum(tf.gatherND(t, tf.tensor2d([[1, 2], [0, 0], [1, 2]], [3, 2], 'int32'))))(x);
    assert.deepEqual(Array.from(g.dataSync()), [1, 0, 0, 0, 0, 2]);
  });
});

describe('engine: every op a transformer step uses runs on wasm with the cpu backend’s gradients', () => {
  it('value and gradient of each op agree between wasm and cpu (atol 1e-5)', async () => {
    const results: Record<string, Record<string, number[]>> = {};
    await forEachBackend((backend) => {
      for (const [name, f] of Object.entries(OPS)) {
        tf.tidy(() => {
          const { value, grad } = tf.valueAndGrad(f)(tf.tensor2d(X0));
          (results[name] ??= {})[backend] = [value.dataSync()[0]!, ...grad.dataSync()];
        });
      }
    });
    for (const [name, r] of Object.entries(results)) {
      const [w, c] = [r['wasm']!, r['cpu']!];
      assert.equal(w.length, 13, name);
      w.forEach((v, i) => assert.ok(Math.abs(v - c[i]!) <= 1e-5 * (1 + Math.abs(c[i]!)), `${name}[${i}]: wasm ${v} cpu ${c[i]}`));
    }
  });

  it('an attention block forward + backward + Adam step gives the same weights on wasm and cpu', async () => {
    const out: Record<string, number[]> = {};
    await forEachBackend((backend) => {
      const rng = (seed: number, shape: number[]): Tensor => tf.randomNormal(shape, 0, 0.3, 'float32', seed);
      const vars: Variable[] = [rng(1, [11, 8]), rng(2, [8, 24]), rng(3, [8, 8]), rng(4, [8, 16]), rng(5, [16, 8])].map((t) => tf.variable(t));
      const [wte, wqkv, wo, w1, w2] = vars as [Variable, Variable, Variable, Variable, Variable];
      const ids = tf.tensor2d([[1, 5, 7, 2, 9], [3, 3, 10, 0, 4]], [2, 5], 'int32');
      const labels = tf.tensor2d([[5, 7, 2, 9, 1], [3, 10, 0, 4, 4]], [2, 5], 'int32');
      const causal = tf.tensor2d(Array.from({ length: 25 }, (_, i) => (i % 5 <= Math.floor(i / 5) ? 0 : -1e9)), [5, 5]);
      const opt = tf.train.adam(1e-2);
      const loss = (): tf.Scalar => {
        const h = tf.gather(wte, ids); // [2,5,8]
        const qkv = tf.matMul(h, wqkv); // [2,5,24]
        const [q, k, v] = tf.split(qkv, 3, -1).map((t) => tf.transpose(tf.reshape(t, [2, 5, 2, 4]), [0, 2, 1, 3])) as [Tensor, Tensor, Tensor];
        const att = tf.softmax(tf.add(tf.div(tf.matMul(q, k, false, true), 2), causal));
        const o = tf.reshape(tf.transpose(tf.matMul(att, v), [0, 2, 1, 3]), [2, 5, 8]);
        const x = tf.add(h, tf.matMul(o, wo));
        const m = tf.matMul(tf.relu(tf.matMul(x, w1)), w2);
        const logits = tf.matMul(tf.add(x, m), wte, false, true); // tied head [2,5,11]
        return tf.losses.softmaxCrossEntropy(tf.oneHot(labels, 11), logits) as tf.Scalar;
      };
      const l = opt.minimize(loss, true, vars)!;
      out[backend] = [l.dataSync()[0]!, ...vars.flatMap((v) => Array.from(v.dataSync()))];
      tf.dispose([...vars, ids, labels, causal, l]);
      opt.dispose();
    });
    const [w, c] = [out['wasm']!, out['cpu']!];
    assert.equal(w.length, c.length);
    assert.ok(Number.isFinite(w[0]) && w[0]! > 1);
    w.forEach((v, i) => assert.ok(Math.abs(v - c[i]!) <= 1e-5, `element ${i}: wasm ${v} cpu ${c[i]}`));
  });
});
