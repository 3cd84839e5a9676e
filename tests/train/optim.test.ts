import assert from 'node:assert/strict';
import { initEngine, tf } from '../../src/engine/index.js';
import { AdamW } from '../../src/train/optim/adamw.js';
import { SGD } from '../../src/train/optim/sgd.js';
import { clipGradNorm } from '../../src/train/clip.js';
import { TEST_BACKENDS } from '../helpers/backends.js';
import { seededValues } from '../helpers/seeded.js';


/** torch AdamW in float64, the reference the float32 implementation must track. */
function adamwRef(p0: Float32Array, grads: Float32Array[], lrs: number[], wd: number, b1 = 0.9, b2 = 0.999, eps = 1e-8): Float64Array {
  const p = Float64Array.from(p0);
  const m = new Float64Array(p.length);
  const v = new Float64Array(p.length);
  grads.forEach((g, k) => {
    const t = k + 1;
    const lr = lrs[k] as number;
    for (let i = 0; i < p.length; i++) {
      const gi = g[i] as number;
      p[i] = (p[i] as number) * (1 - lr * wd);
      m[i] = (m[i] as number) + (1 - b1) * (gi - (m[i] as number));
      v[i] = b2 * (v[i] as number) + (1 - b2) * gi * gi;
      const denom = Math.sqrt(v[i] as number) / Math.sqrt(1 - b2 ** t) + eps;
      p[i] = (p[i] as number) - (lr / (1 - b1 ** t)) * ((m[i] as number) / denom);
    }
  });
  return p;
}

for (const backend of TEST_BACKENDS) {
  describe(`train/optim on ${backend}`, () => {
    before(async () => {
      await initEngine(backend);
    });

    it('AdamW tracks a float64 torch reference over 3 steps with decay and warmup', () => {
      const n = 64;
      const p0 = seededValues(n, 1);
      const grads = [seededValues(n, 2), seededValues(n, 3), seededValues(n, 4)].map((g) => g.map((x) => x * 0.01));
      const lrs = [0, 1e-3, 5e-4];
      const p = tf.variable(tf.tensor(p0));
      const opt = new AdamW({ betas: [0.9, 0.999], eps: 1e-8 });
      grads.forEach((g, k) => {
        const gt = tf.tensor(g);
        opt.step([{ params: [{ name: 'w', variable: p }], weightDecay: 0.01 }], new Map([['w', gt]]), lrs[k] as number);
        gt.dispose();
      });
      const ref = adamwRef(p0, grads, lrs, 0.01);
      const got = p.dataSync();
      for (let i = 0; i < n; i++) assert.ok(Math.abs((got[i] as number) - (ref[i] as number)) <= 2e-7, `elem ${i}`);
      const state = opt.getState();
      assert.equal(state.step, 3);
      assert.deepEqual([...state.slots.keys()].sort(), ['w.exp_avg', 'w.exp_avg_sq']);
      opt.dispose();
      p.dispose();
    });

    it('AdamW state round-trips through getState/setState', () => {
      const p = tf.variable(tf.tensor([1, 2, 3]));
      const q = tf.variable(tf.tensor([1, 2, 3]));
      const a = new AdamW({ betas: [0.9, 0.999], eps: 1e-8 });
      const b = new AdamW({ betas: [0.9, 0.999], eps: 1e-8 });
      const g = tf.tensor([0.1, -0.2, 0.3]);
      a.step([{ params: [{ name: 'p', variable: p }], weightDecay: 0 }], new Map([['p', g]]), 0.1);
      b.step([{ params: [{ name: 'p', variable: q }], weightDecay: 0 }], new Map([['p', g]]), 0.1);
      const c = new AdamW({ betas: [0.9, 0.999], eps: 1e-8 });
      c.setState(b.getState());
      a.step([{ params: [{ name: 'p', variable: p }], weightDecay: 0 }], new Map([['p', g]]), 0.1);
      c.step([{ params: [{ name: 'p', variable: q }], weightDecay: 0 }], new Map([['p', g]]), 0.1);
      assert.deepEqual(Array.from(p.dataSync()), Array.from(q.dataSync()));
      for (const x of [p, q, g]) x.dispose();
      for (const o of [a, b, c]) o.dispose();
    });

    it('SGD with momentum and nesterov follows torch.optim.SGD', () => {
      const p = tf.variable(tf.tensor([1, -1]));
      const opt = new SGD({ momentum: 0.9, nesterov: true });
      const g1 = tf.tensor([0.5, 0.25]);
      const g2 = tf.tensor([0.1, -0.1]);
      const group = [{ params: [{ name: 'p', variable: p }], weightDecay: 0.1 }];
      opt.step(group, new Map([['p', g1]]), 0.1);
      opt.step(group, new Map([['p', g2]]), 0.1);
      // hand-computed in float64
      let pr = [1, -1];
      let buf: number[] = [];
      for (const [k, g] of [[0.5, 0.25], [0.1, -0.1]].entries()) {
        const d = g.map((x, i) => x + 0.1 * (pr[i] as number));
        buf = k === 0 ? d : buf.map((b, i) => 0.9 * b + (d[i] as number));
        const step = d.map((x, i) => x + 0.9 * (buf[i] as number));
        pr = pr.map((x, i) => x - 0.1 * (step[i] as number));
      }
      const got = p.dataSync();
      pr.forEach((x, i) => assert.ok(Math.abs((got[i] as number) - x) < 1e-6));
      for (const x of [p, g1, g2]) x.dispose();
      opt.dispose();
    });

    it('clipGradNorm: total L2 norm over all tensors, coef = max/(total+1e-6)', () => {
      const grads = new Map([
        ['a', tf.tensor([3, 0])],
        ['b', tf.tensor([[0, 4]])],
      ]);
      const r = clipGradNorm(grads, 1);
      assert.ok(Math.abs(r.totalNorm - 5) < 1e-6);
      assert.ok(Math.abs(r.coef - 1 / (5 + 1e-6)) < 1e-7);
      const a = r.grads.get('a')?.dataSync();
      assert.ok(a && Math.abs((a[0] as number) - 0.6) < 1e-6);
      const unclipped = clipGradNorm(new Map([['c', tf.tensor([0.1])]]), 1);
      assert.equal(unclipped.coef, 1);
      for (const g of [...r.grads.values(), ...unclipped.grads.values()]) g.dispose();
    });
  });
}
