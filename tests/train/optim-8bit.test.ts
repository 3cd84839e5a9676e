import assert from 'node:assert/strict';
import { initEngine, tf } from '../../src/engine/index.js';
import { DYNAMIC_MAP_SIGNED as Q1, DYNAMIC_MAP_UNSIGNED as Q2 } from '../../src/quant/dynamic-map.js';
import { AdamW } from '../../src/train/optim/adamw.js';
import { AdamW8bit, type OptimizerState8bit } from '../../src/train/optim/adamw-8bit.js';
import type { Optimizer, OptimizerState } from '../../src/train/optim/optimizer.js';
import { lcg, reference, sha256 } from '../quant/helpers.js';
import { TEST_BACKENDS } from '../helpers/backends.js';
import { seededValues } from '../helpers/seeded.js';


function nearest(code: Float32Array, x: number): number {
  let best = 0;
  for (let i = 1; i < 256; i++) if (Math.abs(x - (code[i] as number)) < Math.abs(x - (code[best] as number))) best = i;
  return best;
}

interface RefState { c1: Uint8Array; c2: Uint8Array; a1: Float64Array; a2: Float64Array }

/** The 8-bit AdamW step written out plainly in float64, codes by brute-force nearest. */
function reference8bit(p: Float64Array, g: Float32Array, st: RefState, t: number, lr: number, wd: number, bs = 256, b1 = 0.9, b2 = 0.999, eps = 1e-8): void {
  const c1 = 1 - b1 ** t;
  const c2 = Math.sqrt(1 - b2 ** t);
  for (let b = 0; b * bs < p.length; b++) {
    const idx = [...Array(Math.min(bs, p.length - b * bs)).keys()].map((j) => b * bs + j);
    const m = idx.map((i) => (Number.isFinite(g[i]) ? (Q1[st.c1[i]!]! * st.a1[b]!) * b1 + (1 - b1) * g[i]! : 0));
    const v = idx.map((i) => (Number.isFinite(g[i]) ? (Q2[st.c2[i]!]! * st.a2[b]!) * b2 + (1 - b2) * g[i]! ** 2 : 0));
    st.a1[b] = Math.max(...m.map(Math.abs));
    st.a2[b] = Math.max(...v.map(Math.abs));
    idx.forEach((i, j) => {
      if (Number.isFinite(g[i])) {
        p[i] = p[i]! - (lr * c2 / c1) * (m[j]! / (Math.sqrt(v[j]!) + eps * c2));
        p[i] = p[i]! * (1 - lr * wd);
      }
      let q1 = nearest(Q1, m[j]! / st.a1[b]!);
      if (Q1[q1]! < 0 !== m[j]! < 0 && m[j] !== 0) q1 += m[j]! > 0 ? 1 : -1;
      st.c1[i] = q1;
      st.c2[i] = st.a2[b] === 0 ? 0 : nearest(Q2, v[j]! / st.a2[b]!);
    });
  }
}

function run(opt: Optimizer, p: tf.Variable, grads: Float32Array[], lrs: number[], wd: number): void {
  grads.forEach((g, k) => {
    const gt = tf.tensor(g, p.shape);
    opt.step([{ params: [{ name: 'w', variable: p }], weightDecay: wd }], new Map([['w', gt]]), lrs[k] as number);
    gt.dispose();
  });
}

for (const backend of TEST_BACKENDS) {
  describe(`train/optim AdamW8bit on ${backend}`, () => {
    before(async () => {
      await initEngine(backend);
    });

    it('three steps match a float64 reference of the 8-bit algorithm: same codes, absmax and parameters', () => {
      const n = 2 * 256 + 4096 + 77; // ≥ 4096 elements: 8-bit; a partial last block
      const p0 = seededValues(n, 1);
      const grads = [2, 3, 4].map((s) => seededValues(n, s).map((x, i) => x * 0.01 * (1 + (i % 5))));
      grads[1]![10] = Number.NaN;
      grads[1]![300] = Number.POSITIVE_INFINITY;
      const lrs = [1e-3, 1e-3, 5e-4];
      const p = tf.variable(tf.tensor(p0));
      const opt = new AdamW8bit({ betas: [0.9, 0.999], eps: 1e-8 });
      const ref = Float64Array.from(p0);
      const st: RefState = { c1: new Uint8Array(n), c2: new Uint8Array(n), a1: new Float64Array(19), a2: new Float64Array(19) };
      grads.forEach((g, k) => {
        run(opt, p, [g], [lrs[k] as number], 0.01);
        reference8bit(ref, g, st, k + 1, lrs[k] as number, 0.01);
        const s = opt.state8bit('w');
        assert.ok(s);
        const bad1 = [...s.state1].flatMap((c, i) => (c === st.c1[i] ? [] : [i]));
        const bad2 = [...s.state2].flatMap((c, i) => (c === st.c2[i] ? [] : [i]));
        assert.deepEqual(bad1, [], `step ${k + 1}: state1 codes differ`);
        assert.deepEqual(bad2, [], `step ${k + 1}: state2 codes differ`);
        s.absmax1.forEach((a, b) => assert.ok(Math.abs(a - st.a1[b]!) <= 1e-6 * st.a1[b]!, `absmax1[${b}]`));
        s.absmax2.forEach((a, b) => assert.ok(Math.abs(a - st.a2[b]!) <= 1e-6 * st.a2[b]!, `absmax2[${b}]`));
        const got = p.dataSync();
        ref.forEach((r, i) => assert.ok(Math.abs(got[i]! - r) <= 1e-6 * Math.abs(r) + 1e-9, `p[${i}] ${got[i]} vs ${r}`));
      });
      p.dispose();
    });

    it('three steps match the torch float32 reference of the CUDA kernel (tools/quant-reference.py): same codes, p within 2 ulps', () => {
      const r = reference.adam8bit;
      const p = tf.variable(tf.tensor(lcg(r.n, r.p_seed)));
      const opt = new AdamW8bit({ betas: [0.9, 0.999], eps: 1e-8 });
      run(opt, p, [1, 2, 3].map((t) => lcg(r.n, r.p_seed + t).map((x) => x * 0.01)), [r.lr, r.lr, r.lr], r.weight_decay);
      const s = opt.state8bit('w')!;
      assert.equal(sha256(s.state1), r.state1_sha256);
      assert.equal(sha256(s.state2), r.state2_sha256);
      s.absmax1.forEach((a, b) => assert.ok(Math.abs(a - r.absmax1[b]!) <= 1e-5 * r.absmax1[b]!, `absmax1[${b}]`));
      s.absmax2.forEach((a, b) => assert.ok(Math.abs(a - r.absmax2[b]!) <= 1e-4 * r.absmax2[b]!, `absmax2[${b}]`));
      const got = p.dataSync();
      r.p_head.forEach((v, i) => assert.ok(Math.abs(got[i]! - v) <= 2 * 2 ** -24 * Math.max(1, Math.abs(v)), `p[${i}] ${got[i]} vs ${v}`));
      p.dispose();
    });

    it('a non-finite gradient leaves p unchanged and zeroes that element of m and v', () => {
      const n = 4096;
      const p = tf.variable(tf.tensor(seededValues(n, 7)));
      const opt = new AdamW8bit({ betas: [0.9, 0.999], eps: 1e-8 });
      run(opt, p, [seededValues(n, 8)], [1e-3], 0.1);
      const before = p.dataSync().slice();
      const g = seededValues(n, 9);
      g[5] = Number.NaN;
      g[6] = Number.NEGATIVE_INFINITY;
      run(opt, p, [g], [1e-3], 0.1);
      const after = p.dataSync();
      assert.equal(after[5], before[5]);
      assert.equal(after[6], before[6]);
      assert.notEqual(after[7], before[7]);
      const s = opt.state8bit('w')!;
      assert.equal(Q1[s.state1[5]!], 0);
      assert.equal(Q2[s.state2[6]!], 0);
      // A block whose gradients are all non-finite: absmax 0, and the kernel's 0/0 path stores m code 255
      // (NaN → index 0, whose negative sign the sign fix then steps below 0 in an unsigned char).
      const g3 = seededValues(n, 10);
      g3.fill(Number.NaN, 256, 512);
      const before3 = p.dataSync().slice(256, 512);
      run(opt, p, [g3], [1e-3], 0.1);
      assert.deepEqual(p.dataSync().slice(256, 512), before3);
      assert.equal(s.absmax1[1], 0);
      assert.equal(s.absmax2[1], 0);
      assert.ok(s.state1.subarray(256, 512).every((c) => c === 255));
      p.dispose();
    });

    it('tensors under 4096 elements keep 32-bit state and follow torch AdamW (decay first)', () => {
      const n = 4095;
      const p0 = seededValues(n, 11);
      const grads = [12, 13, 14].map((s) => seededValues(n, s).map((x) => x * 0.01));
      const a = tf.variable(tf.tensor(p0));
      const b = tf.variable(tf.tensor(p0));
      const o8 = new AdamW8bit({ betas: [0.9, 0.999], eps: 1e-8 });
      run(o8, a, grads, [1e-3, 1e-3, 5e-4], 0.1);
      run(new AdamW({ betas: [0.9, 0.999], eps: 1e-8 }), b, grads, [1e-3, 1e-3, 5e-4], 0.1);
      assert.equal(o8.state8bit('w'), undefined);
      assert.equal(o8.stateBytes(), 2 * 4 * n);
      const x = a.dataSync();
      // Same formula; float64 host math vs tfjs float32 ops differ by at most a few float32 ulps.
      b.dataSync().forEach((v, i) => assert.ok(Math.abs(v - x[i]!) <= 3e-7 * Math.max(1, Math.abs(v)), `p[${i}]: ${v} vs ${x[i]}`));
      assert.ok(Math.abs(b.dataSync()[0]! - p0[0]!) > 1e-4, 'the parameters moved');
      tf.dispose([a, b]);
    });

    // One backend is enough for the curve (the pure-JS cpu matmul would take ~10 s).
    if (backend === 'wasm') it('least squares, 200 steps: the loss curve stays within 2% of float32 AdamW', () => {
      // W [64, 64] = 4096 parameters (8-bit state); X [384, 64]; Y = X·W* + noise.
      const X = tf.tensor2d(seededValues(384 * 64, 21), [384, 64]);
      const Y = tf.add(tf.matMul(X, tf.tensor2d(seededValues(64 * 64, 22), [64, 64])), tf.mul(tf.tensor2d(seededValues(384 * 64, 23), [384, 64]), 0.5));
      const lossOf = (w: tf.Tensor) => tf.mean(tf.square(tf.sub(tf.matMul(X, w), Y))) as tf.Scalar;
      const curves: number[][] = [];
      for (const opt of [new AdamW({ betas: [0.9, 0.999], eps: 1e-8 }), new AdamW8bit({ betas: [0.9, 0.999], eps: 1e-8 })]) {
        const w = tf.variable(tf.zeros([64, 64]));
        const curve: number[] = [];
        for (let step = 0; step < 200; step++) {
          const { value, grads } = tf.variableGrads(() => lossOf(w), [w]);
          curve.push(value.dataSync()[0] as number);
          opt.step([{ params: [{ name: 'w', variable: w }], weightDecay: 0.01 }], new Map([['w', grads[w.name] as tf.Tensor]]), 0.01);
          tf.dispose([value, ...Object.values(grads)]);
        }
        curves.push(curve);
        w.dispose();
      }
      const [c32, c8] = curves as [number[], number[]];
      assert.ok(c32[199]! < 0.05 * c32[0]!, `float32 AdamW converges: ${c32[0]} → ${c32[199]}`);
      const worst = Math.max(...c32.map((l, i) => Math.abs(c8[i]! - l) / l));
      assert.ok(worst <= 0.02, `max relative loss difference ${worst}`);
      tf.dispose([X, Y]);
    });

    it('state of a 1M-parameter tensor: 2 bytes + 8/256 per parameter (AdamW: 8)', () => {
      const n = 1 << 20;
      const p = tf.variable(tf.zeros([1024, 1024]));
      const o8 = new AdamW8bit({ betas: [0.9, 0.999], eps: 1e-8 });
      run(o8, p, [seededValues(n, 3).map((x) => x * 1e-3)], [1e-3], 0);
      assert.equal(o8.stateBytes(), 2 * n + 2 * 4 * (n / 256));
      assert.equal((o8.stateBytes() / n).toFixed(4), '2.0313');
      p.dispose();
    });

    it('getState/setState round-trips (U8 codes + F32 absmax) and resuming continues identically', () => {
      const n = 4096 + 300;
      const grads = [31, 32, 33, 34].map((s) => seededValues(n, s).map((x) => x * 0.01));
      const a = tf.variable(tf.tensor(seededValues(n, 30)));
      const oa = new AdamW8bit({ betas: [0.9, 0.999], eps: 1e-8 });
      run(oa, a, grads.slice(0, 2), [1e-3, 1e-3], 0.01);
      const saved = oa.getState();
      assert.deepEqual([...saved.bytes.keys()], ['w.state1', 'w.state2']);
      assert.deepEqual([...saved.slots.keys()], ['w.absmax1', 'w.absmax2']);
      assert.equal(saved.slots.get('w.absmax1')?.data.length, 18);
      // A checkpoint reader that puts U8 tensors among `slots` (runtime Uint8Array) must work too.
      const viaSlots: OptimizerState = { step: saved.step, slots: new Map([...saved.slots, ...(saved.bytes as unknown as OptimizerState['slots'])]) };
      const b = tf.variable(a.clone());
      const ob = new AdamW8bit({ betas: [0.9, 0.999], eps: 1e-8 });
      ob.setState(viaSlots);
      run(oa, a, grads.slice(2), [1e-3, 1e-3], 0.01);
      run(ob, b, grads.slice(2), [1e-3, 1e-3], 0.01);
      assert.deepEqual(b.dataSync(), a.dataSync());
      assert.deepEqual(ob.getState().bytes.get('w.state1')?.data, oa.getState().bytes.get('w.state1')?.data);
      const broken: OptimizerState8bit = { ...saved, bytes: new Map([...saved.bytes].filter(([k]) => k !== 'w.state2')) };
      assert.throws(() => ob.setState(broken), (e: unknown) => e instanceof Error && e.name === 'TuneError' && /QUANT_OPTIM_STATE_INVALID/.test(e.message) && /no state2/.test(JSON.stringify(e)));
      tf.dispose([a, b]);
    });
  });
}
