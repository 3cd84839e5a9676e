import assert from 'node:assert/strict';
import { join } from 'node:path';
import { initEngine, openRecipe, tf, type ParamGroup } from 'tunekit';
import { builtinPlugins } from 'tunekit/plugins';
import { Lion } from '../lion/lion.js';
import { ALPACA, PLUGINS, STORIES, recorded, scratch, trainLines, tune } from './helpers.js';

const f = Math.fround;
const sign = (x: number): number => (x > 0 ? 1 : x < 0 ? -1 : 0);

/** Lion by hand, one float32 rounding per tensor operation, in the order lion.ts applies them. */
function lionByHand(theta: number[], grads: number[][], o: { lr: number; wd: number; betas: [number, number]; scale?: number }): number[][] {
  const [b1, b2] = o.betas;
  const p = theta.map(f);
  const m = p.map(() => 0);
  const out: number[][] = [];
  for (const gIn of grads) {
    for (let i = 0; i < p.length; i++) {
      const g = o.scale !== undefined ? f(f(gIn[i]!) * f(o.scale)) : f(gIn[i]!);
      const c = f(f(m[i]! * f(b1)) + f(g * f(1 - b1)));
      const decayed = o.wd !== 0 ? f(p[i]! * f(1 - o.lr * o.wd)) : p[i]!;
      p[i] = f(decayed - f(sign(c) * f(o.lr)));
      m[i] = f(f(m[i]! * f(b2)) + f(g * f(1 - b2)));
    }
    out.push([...p]);
  }
  return out;
}

describe('examples/plugins/lion', () => {
  before(async () => {
    await initEngine('cpu');
  });

  describe('the update rule against a hand computation', () => {
    const theta = [0.5, -1, 2, 0];
    const grads = [
      [0.1, -0.2, 0, 0.3],
      [-0.05, -0.2, 0.4, -0.3],
      [0.02, 0.1, -0.4, 0.3],
    ];

    function run(groupOf: (v: tf.Variable) => ParamGroup, o: { lr: number; scale?: number }, steps = grads): number[][] {
      const v = tf.variable(tf.tensor1d(theta));
      const lion = new Lion({ betas: [0.9, 0.99] });
      const out: number[][] = [];
      for (const g of steps) {
        const gt = tf.tensor1d(g);
        lion.step([groupOf(v)], new Map([['w', gt]]), o.lr, o.scale);
        gt.dispose();
        out.push(Array.from(v.dataSync()));
      }
      lion.dispose();
      v.dispose();
      return out;
    }

    it('three steps with decoupled weight decay are bit-exact, sign(0) = 0 included', () => {
      const got = run((v) => ({ weightDecay: 0.5, params: [{ name: 'w', variable: v }] }), { lr: 0.1 });
      assert.deepEqual(got, lionByHand(theta, grads, { lr: 0.1, wd: 0.5, betas: [0.9, 0.99] }));
      // Step 1 in decimal: θ·(1 − 0.1·0.5) − 0.1·sign(g₁); the zero gradient leaves only the decay.
      [0.375, -0.85, 1.9, -0.1].forEach((want, i) => assert.ok(Math.abs(got[0]![i]! - want) < 1e-7, `${i}: ${got[0]![i]} vs ${want}`));
    });

    it('the group’s lr scale and the clipping coefficient enter as the host gives them', () => {
      const got = run((v) => ({ weightDecay: 0, lrScale: 2, params: [{ name: 'w', variable: v }] }), { lr: 0.05, scale: 0.5 });
      assert.deepEqual(got, lionByHand(theta, grads, { lr: 0.1, wd: 0, betas: [0.9, 0.99], scale: 0.5 }));
    });

    it('a parameter without a gradient is left alone; the state round-trips through a checkpoint', () => {
      const v = tf.variable(tf.tensor1d(theta));
      const idle = tf.variable(tf.tensor1d([7, 8]));
      const group: ParamGroup = { weightDecay: 0.5, params: [{ name: 'w', variable: v }, { name: 'idle', variable: idle }] };
      const a = new Lion({ betas: [0.9, 0.99] });
      for (const g of grads.slice(0, 2)) a.step([group], new Map([['w', tf.tensor1d(g)]]), 0.1);
      assert.deepEqual(Array.from(idle.dataSync()), [7, 8]);
      const state = a.getState();
      assert.equal(state.step, 2);
      assert.deepEqual([...state.slots.keys()], ['w.exp_avg']);
      const b = new Lion({ betas: [0.9, 0.99] });
      b.setState({ step: state.step, slots: new Map([...state.slots].map(([k, s]) => [k, { shape: s.shape, data: s.data.slice() }])) });
      b.step([group], new Map([['w', tf.tensor1d(grads[2]!)]]), 0.1);
      assert.deepEqual(Array.from(v.dataSync()), lionByHand(theta, grads, { lr: 0.1, wd: 0.5, betas: [0.9, 0.99] })[2]);
      a.dispose();
      b.dispose();
    });
  });

  describe('in a recipe', () => {
    const tmp = scratch();
    const recipe = (optimizer: string, name = 'recipe.yaml'): string =>
      tmp.write(
        name,
        `recipe_version: 1
plugins:
  - use: ${PLUGINS.lion}
  - use: ${PLUGINS.record}
    options: { only: [lora_] }
model: { base: ${STORIES} }
data:
  datasets: [{ path: ${ALPACA}, format: alpaca }]
  sequence_len: 256
method:
  kind: lora
  lora: { r: 4, alpha: 8, target_modules: [q_proj, v_proj] }
optimizer:
${optimizer}
schedule: { name: constant }
training: { max_steps: 1, micro_batch_size: 4 }
logging: { steps: 1, progress: none, jsonl: true }
output: { dir: out }
`,
      );

    it('`lion` validates with its own defaults (betas 0.9, 0.99) and rejects Adam’s eps at its position', async () => {
      const file = recipe('  name: lion\n  lr: 1.0e-3');
      const { recipe: resolved } = await openRecipe(file, { catalog: builtinPlugins() });
      assert.deepEqual(resolved.optimizer['betas'], [0.9, 0.99]);
      assert.equal(resolved.optimizer['eps'], undefined);
      const adamw = await openRecipe(recipe('  name: adamw', 'adamw.yaml'), { catalog: builtinPlugins() });
      assert.deepEqual(adamw.recipe.optimizer['betas'], [0.9, 0.999]);
      const ok = await tune(['plan', '--format', 'json', file]);
      assert.equal(ok.code, 0, ok.err);
      const plan = JSON.parse(ok.out) as { optimizer: { name: string }; memory: { optimizerState: number; inputs: { params: { trainable: number } } }; notes: string[] };
      assert.equal(plan.optimizer.name, 'lion');
      // One float32 moment per trainable parameter (AdamW keeps two).
      assert.equal(plan.memory.optimizerState, 4 * plan.memory.inputs.params.trainable);
      assert.ok(plan.notes.some((n) => n.startsWith('lion: every update has the size of the learning rate')));
      const bad = await tune(['validate', recipe('  name: lion\n  eps: 1.0e-8')]);
      assert.equal(bad.code, 1);
      assert.match(bad.err, /recipe\.yaml:15:3: error RECIPE_NOT_ALLOWED `optimizer\.eps` is only allowed with `optimizer\.name: adamw`, `adamw_8bit` or `paged_adamw_8bit`/);
      assert.match(bad.err, /hint: remove `eps`, or set `optimizer\.name` to `adamw`, `adamw_8bit` or `paged_adamw_8bit`/);
    });

    it('the first LoRA step moves each B entry by exactly ±lr and leaves A (whose gradient is 0) unchanged', async () => {
      const r = await tune(['run', recipe('  name: lion\n  lr: 1.0e-3')]);
      assert.equal(r.code, 0, r.err);
      const out = join(tmp.dir(), 'out');
      const [step] = recorded(out).steps;
      assert.ok(step);
      const names = Object.keys(step.applied);
      assert.equal(names.length, 2 * 2 * 5, names.join(', ')); // (q_proj, v_proj) × (A, B) × 5 layers
      let moved = 0;
      for (const [name, values] of Object.entries(step.applied)) {
        if (name.includes('lora_A')) assert.ok(values.every((v) => v === 0), `${name} moved`);
        else {
          // B starts at 0 and m at 0: sign(c) = sign(g).
          assert.ok(values.every((v) => v === 0 || Math.abs(v) === f(1e-3)), `${name}: ${values.slice(0, 4).join(', ')}`);
          moved += values.filter((v) => v !== 0).length;
        }
      }
      assert.ok(moved > 0);
      assert.ok(Number.isFinite(trainLines(out)[0]!.loss));
    });
  });
});
