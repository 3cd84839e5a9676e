import assert from 'node:assert/strict';
import { initEngine, tf } from '../../src/engine/index.js';
import { Parameter } from '../../src/models/layers/parameter.js';
import { DenseLinear } from '../../src/models/layers/linear.js';
import { dequantizeWeight, quantizeWeight } from '../../src/quant/index.js';
import { Nf4Linear, dequantizedInLayout, expand4bit, quantizeDense, transpose2d } from '../../src/models/index.js';
import { LoraLinear } from '../../plugins/lora/lora-linear.js';
import { lcg } from './helpers.js';
import { TEST_BACKENDS } from '../helpers/backends.js';
import { stateAbsmax } from '../../src/quant/quant-state.js';
import { requireNative } from '../helpers/native.js';

function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] as number);
}

for (const backend of TEST_BACKENDS) {
  describe(`quant/nf4-linear on ${backend}`, () => {
    before(async () => {
      await initEngine(backend);
    });

    const out = 24;
    const inF = 40;
    const wData = lcg(out * inF, 31, 3);
    const xData = lcg(2 * 3 * inF, 32);

    for (const [layout, shape] of [['linear', [out, inF]], ['conv1d', [inF, out]]] as const) {
      it(`${layout}: forward equals dequantize → dense matmul and the input gradient equals the dense one`, () => {
        const q = quantizeWeight(wData, shape, { quantType: 'nf4', compressStatistics: true });
        const wDense = tf.tensor2d(dequantizeWeight(q), [...shape]);
        const bias = new Parameter('b', tf.tensor1d(lcg(out, 33)), false);
        const lin = new Nf4Linear(q, layout, bias);
        assert.equal(lin.kind, 'nf4');
        const x = tf.tensor3d(xData, [2, 3, inF]);
        const dense = (v: tf.Tensor) => {
          const y = tf.matMul(tf.reshape(v, [-1, inF]), wDense, false, layout === 'linear');
          return tf.reshape(tf.add(y, bias.value), [2, 3, out]);
        };
        const r = tf.tensor3d(lcg(2 * 3 * out, 34), [2, 3, out]);
        const loss = (f: (v: tf.Tensor) => tf.Tensor) => (v: tf.Tensor) => tf.sum(tf.mul(f(v), r));
        const y = lin.apply(x);
        const yRef = dense(x);
        assert.deepEqual(y.shape, [2, 3, out]);
        assert.ok(maxAbsDiff(y, yRef) < 1e-5, `forward diff ${maxAbsDiff(y, yRef)}`);
        const g = tf.grad(loss((v) => lin.apply(v)))(x);
        const gRef = tf.grad(loss(dense))(x);
        assert.ok(maxAbsDiff(g, gRef) < 1e-5, `grad diff ${maxAbsDiff(g, gRef)}`);
        assert.ok(maxAbsDiff(gRef, tf.zerosLike(gRef)) > 0.1, 'the gradient is not trivially zero');
        tf.dispose([wDense, x, r, y, yRef, g, gRef]);
        lin.dispose();
      });
    }

    it('quantizeDense: a GPT-2 Conv1D weight [in, out] is quantized transposed to [out, in] as transformers does', () => {
      const wIo = lcg(inF * out, 50);
      const dense = new DenseLinear('conv1d', new Parameter('c_attn.weight', tf.tensor2d(wIo, [inF, out]), false), new Parameter('c_attn.bias', tf.tensor1d(lcg(out, 51)), false));
      const x = tf.tensor2d(lcg(3 * inF, 52), [3, inF]);
      const lin = quantizeDense(dense, { quantType: 'nf4', compressStatistics: true });
      assert.deepEqual(lin.quantized.state.shape, [out, inF]);
      const direct = quantizeWeight(transpose2d(wIo, inF, out), [out, inF], { quantType: 'nf4', compressStatistics: true });
      assert.deepEqual(lin.quantized.packed, direct.packed);
      const deq = dequantizedInLayout(lin, 'conv1d');
      assert.deepEqual(deq, transpose2d(dequantizeWeight(direct), out, inF));
      const y = lin.apply(x);
      const yRef = tf.add(tf.matMul(x, tf.tensor2d(deq, [inF, out])), lin.bias?.value ?? tf.scalar(0));
      assert.ok(maxAbsDiff(y, yRef) < 1e-5);
      tf.dispose([x, y, yRef]);
      lin.dispose();
    });

    it('keeps no float32 copy of the weight: no tensor survives apply or its gradient besides the outputs', () => {
      const q = quantizeWeight(lcg(256 * 512, 35), [256, 512], { compressStatistics: true });
      const lin = new Nf4Linear(q, 'linear');
      const x = tf.tensor2d(lcg(4 * 512, 36), [4, 512]);
      const before = tf.memory();
      const y = lin.apply(x);
      assert.equal(tf.memory().numTensors, before.numTensors + 1);
      assert.equal(tf.memory().numBytes, before.numBytes + 4 * 256 * 4);
      y.dispose();
      const g = tf.grad((v: tf.Tensor) => tf.sum(lin.apply(v)))(x);
      assert.equal(tf.memory().numTensors, before.numTensors + 1);
      assert.equal(tf.memory().numBytes, before.numBytes + 4 * 512 * 4);
      tf.dispose([g, x]);
      // 0.5 byte per code + 1 byte per 64-block + float32 per 256 blocks + the two code books.
      assert.equal(lin.residentBytes(), 65536 + 2048 + 4 * 8 + 16 * 4 + 256 * 4 + 4);
      assert.deepEqual(lin.parameters(), []);
    });

    it('LoRA trains on top: LoraLinear(Nf4Linear) gets the same adapter gradients as over the dense dequantized base', () => {
      const q = quantizeWeight(wData, [out, inF], { quantType: 'nf4' });
      const r = 4;
      const settings = { r, alpha: 8, dropout: 0, rslora: false };
      const mk = () => [new Parameter('A', tf.tensor2d(lcg(r * inF, 40), [r, inF]), true), new Parameter('B', tf.tensor2d(lcg(out * r, 41), [out, r]), true)] as const;
      const [a1, b1] = mk();
      const [a2, b2] = mk();
      const lora = new LoraLinear(new Nf4Linear(q, 'linear'), 'linear', a1, b1, settings);
      assert.equal(lora.kind, 'nf4+lora');
      const denseBase = { kind: 'dense', apply: (x: tf.Tensor) => tf.matMul(x, tf.tensor2d(dequantizeWeight(q), [out, inF]), false, true), parameters: () => [], dispose: () => {} };
      const ref = new LoraLinear(denseBase, 'linear', a2, b2, settings);
      const x = tf.tensor2d(lcg(5 * inF, 42), [5, inF]);
      const g1 = tf.variableGrads(() => tf.sum(tf.square(lora.apply(x))) as tf.Scalar, [a1.variable, b1.variable]);
      const g2 = tf.variableGrads(() => tf.sum(tf.square(ref.apply(x))) as tf.Scalar, [a2.variable, b2.variable]);
      assert.ok(Math.abs(g1.value.dataSync()[0]! - g2.value.dataSync()[0]!) < 1e-3 * Math.abs(g2.value.dataSync()[0]!));
      for (const [v1, v2] of [[a1.variable, a2.variable], [b1.variable, b2.variable]] as const) {
        const d1 = g1.grads[v1.name] as tf.Tensor;
        const d2 = g2.grads[v2.name] as tf.Tensor;
        assert.ok(maxAbsDiff(d1, d2) < 1e-3, `adapter grad diff ${maxAbsDiff(d1, d2)}`);
        assert.ok(maxAbsDiff(d2, tf.zerosLike(d2)) > 0.01);
      }
      tf.dispose([x, g1.value, g2.value, ...Object.values(g1.grads), ...Object.values(g2.grads)]);
      lora.dispose();
      ref.dispose();
    });
  });
}

describe('quant/nf4-linear: the native 4-bit expansion', () => {
  it('equals the JavaScript expansion for odd sizes, partial blocks and both code books', function () {
    const addon = requireNative(this);
    for (const [rows, cols, quantType, blocksize] of [
      [7, 9, 'nf4', 64],
      [33, 65, 'fp4', 128],
      [1, 3, 'nf4', 64],
      [300, 257, 'nf4', 64],
    ] as const) {
      const q = quantizeWeight(lcg(rows * cols, rows + cols), [rows, cols], { quantType, blocksize, compressStatistics: true });
      const out = new Float32Array(rows * cols).fill(Number.NaN);
      addon.expand4bit(q.packed, stateAbsmax(q.state), q.state.code, out, q.state.blocksize);
      assert.deepEqual(out, expand4bit(q, false), `${rows}×${cols} ${quantType}`);
      assert.deepEqual(out, dequantizeWeight(q));
    }
  });

  it('refuses arrays too short for the output', function () {
    const addon = requireNative(this);
    const code = new Float32Array(16);
    assert.throws(() => addon.expand4bit(new Uint8Array(2), new Float32Array(1), code, new Float32Array(8), 64), /shorter/);
    assert.throws(() => addon.expand4bit(new Uint8Array(4), new Float32Array(1), code, new Float32Array(8), 3), /even/);
    assert.throws(() => addon.expand4bit(new Uint8Array(4), new Float32Array(1), new Float32Array(8), new Float32Array(8), 64), /16 entries/);
  });
});
