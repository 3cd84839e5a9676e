/**
 * The fused norm / activation ops (src/engine/fused-ops.ts): on 'native' they run the Tunekit*
 * kernels forward and backward, and their values and gradients (to x and to the weights, as plain
 * tensors through tf.grads and as tf.Variables through tf.variableGrads, and under the checkpoint
 * wrapper) match the op-by-op composition on the pure-JS cpu backend within 1e-5 of max(1, |ref|).
 * On backends without the kernels the ops are the composition itself.
 */
import { strict as assert } from 'node:assert';
import { checkpointActivations, geluTanhOp, initEngine, layerNormOp, rmsNormOp, swigluOp, tf } from '../../../src/engine/index.js';
import { composedGeluTanh, composedLayerNorm, composedRmsNorm, composedSwiglu } from '../../../src/engine/fused-ops.js';
import { loadNativeAddon } from '../../../src/engine/native/addon.js';
import { seededValues } from '../../helpers/seeded.js';
import { describeNative } from '../../helpers/native.js';

const TOL = 1e-5;
let variableCount = 0;

const values = (n: number, seed: number, scale = 2, shift = 0): Float32Array => seededValues(n, seed, scale, shift);

type Arr = { shape: number[]; data: Float32Array };
const arr = (shape: number[], seed: number, scale = 2, shift = 0): Arr => ({ shape, data: values(shape.reduce((a, b) => a * b, 1), seed, scale, shift) });

/** Value and gradients of sum(op(inputs)·dy) with respect to every input. */
function valueAndGrads(op: (...xs: tf.Tensor[]) => tf.Tensor, inputs: Arr[], dy: Arr, asVariables: boolean): Float32Array[] {
  return tf.tidy(() => {
    const xs = inputs.map((a) => tf.tensor(a.data, a.shape));
    const dyT = tf.tensor(dy.data, dy.shape);
    const value = op(...xs);
    let grads: tf.Tensor[];
    if (asVariables) {
      // Every input as a trainable tf.Variable, as the weights are in full fine-tuning.
      const vars = xs.map((t, i) => tf.variable(t, true, `fused_ops_test_${variableCount++}_${i}`));
      const { grads: vg } = tf.variableGrads(() => tf.sum(tf.mul(op(...vars), dyT)), vars);
      grads = vars.map((v) => vg[v.name]!);
      vars.forEach((v) => v.dispose());
    } else {
      grads = tf.grads((...ts: tf.Tensor[]) => tf.sum(tf.mul(op(...ts), dyT)))(xs);
    }
    return [value, ...grads].map((t) => t.dataSync() as Float32Array);
  });
}

function assertClose(found: Float32Array[], want: Float32Array[], what: string): void {
  assert.equal(found.length, want.length);
  want.forEach((w, k) => {
    const f = found[k]!;
    assert.equal(f.length, w.length, `${what} output ${k} length`);
    let worst = 0;
    for (let i = 0; i < w.length; i++) {
      const d = Math.abs(f[i]! - w[i]!) / Math.max(1, Math.abs(w[i]!));
      worst = Number.isNaN(d) ? Infinity : Math.max(worst, d);
    }
    assert.ok(worst <= TOL, `${what} output ${k}: max relative difference ${worst} > ${TOL}`);
  });
}

/** Compare the fused op on native to the composition on cpu; assert the fused kernels ran. */
async function agree(name: string, fused: (...xs: tf.Tensor[]) => tf.Tensor, composed: (...xs: tf.Tensor[]) => tf.Tensor, inputs: Arr[], kernels: string[]): Promise<void> {
  const dy = arr(inputs[0]!.shape, 99);
  for (const asVariables of [false, true]) {
    await initEngine('cpu');
    const want = valueAndGrads(composed, inputs, dy, asVariables);
    await initEngine('native');
    const before = tf.memory().numTensors;
    const ran = new Set<string>();
    const info = await tf.profile(() => {
      valueAndGrads(fused, inputs, dy, asVariables);
    });
    info.kernelNames.forEach((k) => ran.add(k));
    const found = valueAndGrads(fused, inputs, dy, asVariables);
    assert.equal(tf.memory().numTensors, before, `${name}: no tensors leak`);
    for (const k of kernels) assert.ok(ran.has(k), `${name}: kernel ${k} ran (ran: ${[...ran].join(', ')})`);
    assertClose(found, want, `${name} [${inputs[0]!.shape.join(', ')}]${asVariables ? ' (variables)' : ''}`);
  }
}

const SHAPES = [[1, 7], [3, 769], [2, 5, 64], [4, 33]];

describeNative('fused norm and activation ops on native match the composition on cpu', function () {
  this.timeout(60_000);
  after(() => initEngine('cpu'));

  for (const shape of SHAPES) {
    const cols = shape[shape.length - 1]!;
    it(`layerNorm with and without bias, rmsNorm, geluTanh, swiglu on [${shape.join(', ')}]`, async () => {
      // An offset mean and a non-unit spread, so centring and scaling both matter.
      const x = arr(shape, 1, 3, 0.5);
      const w = arr([cols], 2, 1, 1);
      const b = arr([cols], 3, 0.5);
      await agree('layerNorm', (xx, ww, bb) => layerNormOp(xx!, ww!, bb!, 1e-5), (xx, ww, bb) => composedLayerNorm(xx!, ww!, bb!, 1e-5), [x, w, b], ['TunekitLayerNorm', 'TunekitLayerNormGrad']);
      await agree('layerNorm (no bias)', (xx, ww) => layerNormOp(xx!, ww!, null, 1e-5), (xx, ww) => composedLayerNorm(xx!, ww!, null, 1e-5), [x, w], ['TunekitLayerNorm', 'TunekitLayerNormGrad']);
      await agree('rmsNorm', (xx, ww) => rmsNormOp(xx!, ww!, 1e-6), (xx, ww) => composedRmsNorm(xx!, ww!, 1e-6), [x, w], ['TunekitRmsNorm', 'TunekitRmsNormGrad']);
      await agree('geluTanh', (xx) => geluTanhOp(xx!), (xx) => composedGeluTanh(xx!), [arr(shape, 4, 5)], ['TunekitGeluTanh', 'TunekitGeluTanhGrad']);
      await agree('swiglu', (g, u) => swigluOp(g!, u!), (g, u) => composedSwiglu(g!, u!), [arr(shape, 5, 6), arr(shape, 6, 2)], ['TunekitSwiglu', 'TunekitSwigluGrad']);
    });
  }

  it('works under the checkpoint wrapper (recomputed in the backward pass)', async () => {
    const x = arr([2, 3, 40], 7, 2, 0.3);
    const w = arr([40], 8, 1, 1);
    const b = arr([40], 9, 0.5);
    const block = (f: typeof layerNormOp, g: typeof geluTanhOp, r: typeof rmsNormOp, s: typeof swigluOp) => (xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) =>
      s(r(g(f(xx, ww, bb, 1e-5)), ww, 1e-6), xx);
    const fused = checkpointActivations(block(layerNormOp, geluTanhOp, rmsNormOp, swigluOp));
    const composed = block(composedLayerNorm, composedGeluTanh, composedRmsNorm, composedSwiglu);
    await agree('checkpointed block', (xx, ww, bb) => fused(xx!, ww!, bb!), (xx, ww, bb) => composed(xx!, ww!, bb!), [x, w, b], ['TunekitLayerNorm', 'TunekitRmsNormGrad', 'TunekitSwigluGrad']);
  });

  it('takes the composition for inputs the kernels do not cover, and is exact there', async () => {
    await initEngine('native');
    const x = tf.tensor(values(2 * 6, 10), [2, 6]);
    const w2d = tf.tensor(values(6, 11), [1, 6]);
    const gate = tf.tensor(values(12, 12), [2, 6]);
    const upRow = tf.tensor(values(6, 13), [6]);
    const info = await tf.profile(() => {
      tf.dispose([layerNormOp(x, w2d, null, 1e-5), swigluOp(gate, upRow)]);
    });
    assert.ok(!info.kernelNames.some((k) => k.startsWith('Tunekit')), `no fused kernel ran: ${info.kernelNames.join(', ')}`);
    assert.deepEqual(layerNormOp(x, w2d, null, 1e-5).dataSync(), composedLayerNorm(x, w2d, null, 1e-5).dataSync());
    assert.deepEqual(swigluOp(gate, upRow).dataSync(), composedSwiglu(gate, upRow).dataSync());
    tf.dispose([x, w2d, gate, upRow]);
  });

  it('the addon rejects arrays shorter than the shape before touching memory', () => {
    const addon = loadNativeAddon().addon!;
    const f = (n: number): Float32Array => new Float32Array(n);
    assert.throws(() => addon.layerNorm(f(11), f(4), null, f(12), null, null, 3, 4, 1e-5), { name: 'RangeError', message: 'norm: x or y shorter than rows·cols' });
    assert.throws(() => addon.layerNorm(f(12), f(3), null, f(12), null, null, 3, 4, 1e-5), { name: 'RangeError', message: 'norm: weight shorter than cols' });
    assert.throws(() => addon.layerNormGrad(f(12), f(12), f(4), f(2), f(3), f(12), f(4), f(4), 3, 4), { name: 'RangeError', message: 'layerNormGrad: mean shorter than rows' });
    assert.throws(() => addon.rmsNormGrad(f(12), f(12), f(4), f(3), f(12), f(3), 3, 4), { name: 'RangeError', message: 'norm grad: dw shorter than cols' });
    assert.throws(() => addon.geluTanhGrad(f(8), f(7), f(8)), { name: 'RangeError', message: 'geluTanhGrad: x or dx shorter than dy' });
    assert.throws(() => addon.swigluGrad(f(8), f(8), f(8), f(8), f(7)), { name: 'RangeError', message: 'swigluGrad: an array is shorter than dy' });
    assert.throws(() => addon.swiglu(f(8), new Float64Array(8) as unknown as Float32Array, f(8)), { name: 'TypeError', message: 'expected a Float32Array' });
  });
});

describe('fused ops on a backend without the kernels', () => {
  it('are the composition, value for value, on cpu', async () => {
    await initEngine('cpu');
    const x = tf.tensor(values(3 * 9, 20, 3, 1), [3, 9]);
    const w = tf.tensor(values(9, 21, 1, 1), [9]);
    const b = tf.tensor(values(9, 22), [9]);
    const info = await tf.profile(() => {
      tf.dispose([layerNormOp(x, w, b, 1e-5), rmsNormOp(x, w, 1e-6), geluTanhOp(x), swigluOp(x, tf.tile(tf.reshape(b, [1, 9]), [3, 1]))]);
    });
    assert.ok(!info.kernelNames.some((k) => k.startsWith('Tunekit')));
    assert.deepEqual(layerNormOp(x, w, b, 1e-5).dataSync(), composedLayerNorm(x, w, b, 1e-5).dataSync());
    assert.deepEqual(rmsNormOp(x, w, 1e-6).dataSync(), composedRmsNorm(x, w, 1e-6).dataSync());
    assert.deepEqual(geluTanhOp(x).dataSync(), composedGeluTanh(x).dataSync());
    assert.deepEqual(swigluOp(x, x).dataSync(), composedSwiglu(x, x).dataSync());
    tf.dispose([x, w, b]);
  });
});
