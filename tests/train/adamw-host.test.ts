/**
 * The fused in-place AdamW update and gradient norm of the host-storage backends ('native' through
 * the addon, 'cpu' through a JavaScript loop) against the tfjs-op composition that wasm runs:
 * same float32 results, gradients never modified, and shared storage copied before writing.
 */
import { strict as assert } from 'node:assert';
import { initEngine, tf } from '../../src/engine/index.js';
import { ownedStorage, storageOf } from '../../src/engine/host-storage.js';
import { loadNativeAddon } from '../../src/engine/native/addon.js';
import { clipCoefficient, globalGradNorm } from '../../src/train/clip.js';
import { AdamW } from '../../src/train/optim/adamw.js';
import { adamwHostStep } from '../../src/train/optim/adamw-host.js';
import { TEST_BACKENDS } from '../helpers/backends.js';
import { type CausalLM, buildModel, modelCatalog, parseModelConfig, randomModel, randomWeights } from '../../src/models/index.js';
import { seededValues } from '../helpers/seeded.js';
import { requireNative } from '../helpers/native.js';

const values = (n: number, seed: number, scale = 1): Float32Array => seededValues(n, seed, scale);

const SHAPES: number[][] = [[1], [7, 13], [3, 5, 769], [70_001]];

/** Final weights and moments after four steps (two groups, decay on one, clipping on step 3). */
function runAdamW(): { p: Float32Array[]; m: Float32Array[]; v: Float32Array[] } {
  const params = SHAPES.map((shape, i) => tf.variable(tf.tensor(values(shape.reduce((a, b) => a * b, 1), 10 + i), shape)));
  const groups = [
    { params: params.slice(0, 2).map((variable, i) => ({ name: `a${i}`, variable })), weightDecay: 0.1 },
    { params: params.slice(2).map((variable, i) => ({ name: `b${i}`, variable })), weightDecay: 0 },
  ];
  const opt = new AdamW({ betas: [0.9, 0.95], eps: 1e-8 });
  for (let step = 0; step < 4; step++) {
    const grads = new Map<string, tf.Tensor>();
    for (const g of groups) for (const [i, p] of g.params.entries()) grads.set(p.name, tf.tensor(values(p.variable.size, 100 * step + i, 0.05), p.variable.shape));
    opt.step(groups, grads, 1e-3 * (step + 1), step === 2 ? 0.37 : 1);
    tf.dispose([...grads.values()]);
  }
  const state = opt.getState();
  const names = groups.flatMap((g) => g.params.map((p) => p.name));
  const out = {
    p: params.map((p) => (p.dataSync() as Float32Array).slice()),
    m: names.map((n) => state.slots.get(`${n}.exp_avg`)!.data.slice()),
    v: names.map((n) => state.slots.get(`${n}.exp_avg_sq`)!.data.slice()),
  };
  opt.dispose();
  tf.dispose(params);
  return out;
}

describe('fused AdamW on host storage', function () {
  this.timeout(60_000);

  it('native (addon), cpu (JS loop) and wasm (tfjs ops) give identical float32 weights and moments', async () => {
    const results = new Map<string, ReturnType<typeof runAdamW>>();
    for (const backend of TEST_BACKENDS) {
      await initEngine(backend);
      results.set(backend, runAdamW());
    }
    const ref = results.get('wasm')!;
    for (const [backend, got] of results) {
      for (const key of ['p', 'm', 'v'] as const) {
        got[key].forEach((a, i) => assert.deepEqual(a, ref[key][i], `${backend} ${key}[${i}] differs from the tfjs-op path`));
      }
    }
    // The update really moved the weights (the comparison above is not between untouched copies).
    assert.notDeepEqual(ref.p[3], values(70_001, 13));
  });

  for (const backend of ['cpu', 'native'] as const) {
    it(`${backend}: never writes the gradients, and copies a variable's storage when it is shared`, async function () {
      if (backend === 'native') requireNative(this);
      await initEngine(backend);
      const init = values(4096, 5);
      const initCopy = init.slice();
      const source = tf.tensor(init, [64, 64]); // shares `init` with the caller
      const p = tf.variable(source); // shares storage with `source`
      const clone = tf.clone(p);
      const gData = values(4096, 6, 0.1);
      const g = tf.tensor(gData.slice(), [64, 64]);
      const opt = new AdamW({ betas: [0.9, 0.999], eps: 1e-8 });
      opt.step([{ params: [{ name: 'w', variable: p }], weightDecay: 0.01 }], new Map([['w', g]]), 1e-2, 0.5);
      assert.deepEqual(init, initCopy, "the caller's array changed");
      assert.deepEqual(source.dataSync(), initCopy, 'the source tensor changed');
      assert.deepEqual(clone.dataSync(), initCopy, 'a clone of the variable changed');
      assert.deepEqual(g.dataSync(), gData, 'the gradient changed');
      // (read through storageOf: dataSync() would hand the array out and make the next update copy)
      assert.notDeepEqual(storageOf(p), initCopy, 'the variable did not change');
      // After the first step the variable owns its storage: later steps write in place.
      const before = storageOf(p);
      opt.step([{ params: [{ name: 'w', variable: p }], weightDecay: 0.01 }], new Map([['w', g]]), 1e-2);
      assert.equal(storageOf(p), before);
      assert.equal(ownedStorage(p), before);
      if (backend === 'native') {
        // What dataSync() handed out stays a snapshot: the next update moves to a fresh array.
        const snapshot = p.dataSync();
        const copy = snapshot.slice();
        opt.step([{ params: [{ name: 'w', variable: p }], weightDecay: 0.01 }], new Map([['w', g]]), 1e-2);
        assert.deepEqual(snapshot, copy);
        assert.notDeepEqual(p.dataSync(), copy);
      }
      opt.dispose();
      tf.dispose([source, p, clone, g]);
    });
  }

  it('gradScale equals stepping on pre-scaled gradients', async () => {
    const n = 1000;
    const p0 = values(n, 1);
    const g = values(n, 2, 0.2);
    const k = { decay: 1 - 1e-3 * 0.1, beta1: 0.9, beta2: 0.999, biasCorrection2Sqrt: Math.sqrt(1 - 0.999), eps: 1e-8, stepSize: 1e-3 / (1 - 0.9), gradScale: 0.25 };
    const a = { p: p0.slice(), m: new Float32Array(n), v: new Float32Array(n) };
    const b = { p: p0.slice(), m: new Float32Array(n), v: new Float32Array(n) };
    adamwHostStep(a.p, g, a.m, a.v, k, null);
    adamwHostStep(b.p, g.map((x) => Math.fround(x * 0.25)), b.m, b.v, { ...k, gradScale: 1 }, null);
    assert.deepEqual(a, b);
    const addon = loadNativeAddon().addon;
    if (addon) {
      const c = { p: p0.slice(), m: new Float32Array(n), v: new Float32Array(n) };
      adamwHostStep(c.p, g, c.m, c.v, k, addon);
      assert.deepEqual(c, a, 'the addon and the JavaScript loop disagree');
    }
  });

  it('the addon refuses mismatched or aliased arrays', function () {
    const addon = requireNative(this);
    const k = new Float64Array(8).fill(1);
    const x = new Float32Array(4);
    assert.throws(() => addon.adamw(x, new Float32Array(4), new Float32Array(3), new Float32Array(4), k), /same length/);
    assert.throws(() => addon.adamw(x, new Float32Array(4), x, new Float32Array(4), k), /distinct/);
    assert.throws(() => addon.adamw(x, new Float32Array(4), new Float32Array(4), new Float32Array(4), new Float64Array(3)), /8/);
  });

  for (const backend of TEST_BACKENDS) {
    it(`${backend}: the global gradient norm and clip coefficient match torch's definition`, async () => {
      await initEngine(backend);
      const arrays = [values(1, 1), values(4095, 2), values(4097, 3), values(300_001, 4, 1e-3)];
      const grads = new Map(arrays.map((a, i) => [`g${i}`, tf.tensor(a)] as const));
      let sum = 0;
      for (const a of arrays) for (const x of a) sum += x * x;
      const want = Math.sqrt(sum);
      const got = globalGradNorm(grads);
      assert.ok(Math.abs(got - want) <= 2e-6 * want, `${got} vs ${want}`);
      assert.equal(clipCoefficient(got, 1), Math.fround(1 / Math.fround(got + 1e-6)));
      assert.equal(clipCoefficient(got, 0), 1);
      assert.equal(clipCoefficient(got, 1e9), 1);
      tf.dispose([...grads.values()]);
    });
  }

  it('the addon sums squares in double over any length, on both threads', function () {
    const addon = requireNative(this);
    for (const n of [0, 1, 15, 4096, 4097, 65_537, 1_000_003]) {
      const a = values(n, n + 1);
      let want = 0;
      for (const x of a) want += x * x;
      const got = addon.sumSquares(a);
      assert.ok(Math.abs(got - want) <= 1e-9 * Math.max(1, want), `n=${n}: ${got} vs ${want}`);
    }
  });
});

describe('in-place updates of model weights', function () {
  this.timeout(30_000);
  for (const backend of ['cpu', 'native'] as const) {
    it(`${backend}: a loaded or random model's weights are updated without a first copy; a caller's weights map is never written`, async function () {
      if (backend === 'native') requireNative(this);
      await initEngine(backend);
      const config = parseModelConfig({ model_type: 'gpt2', vocab_size: 64, n_positions: 16, n_embd: 16, n_layer: 1, n_head: 2 });
      const step = (model: CausalLM): void => {
        const params = model.namedParameters().filter(([, p]) => p.trainable).map(([name, p]) => ({ name, variable: p.variable }));
        const grads = new Map(params.map((p) => [p.name, tf.onesLike(p.variable)] as const));
        new AdamW({ betas: [0.9, 0.999], eps: 1e-8 }).step([{ params, weightDecay: 0 }], grads, 1e-2);
        tf.dispose([...grads.values()]);
      };
      // randomModel / loadModel drop their weights map: the variables own their arrays.
      const random = randomModel(config, { seed: 3, trainable: true });
      const wte = random.namedParameters().find(([name]) => name === 'transformer.wte.weight')![1].variable;
      const before = storageOf(wte);
      const first = before!.slice();
      step(random);
      assert.equal(storageOf(wte), before, 'the first update copied the weights');
      assert.notDeepEqual(before, first);
      random.dispose();
      // A weights map the caller keeps is copied on first write, never changed.
      const weights = randomWeights(modelCatalog(config), 3);
      const kept = new Map([...weights].map(([k, t]) => [k, (t.data as Float32Array).slice()] as const));
      const model = buildModel(config, weights, true);
      step(model);
      for (const [k, t] of weights) assert.deepEqual(t.data, kept.get(k), `${k} of the caller's map changed`);
      model.dispose();
    });
  }
});
