/**
 * Lion (Chen et al., 2023, "Symbolic Discovery of Optimization Algorithms", Algorithm 2), per
 * parameter and step, with decoupled weight decay λ and the step's learning rate η:
 *
 *   c = β₁·m + (1 − β₁)·g
 *   θ = θ·(1 − η·λ) − η·sign(c)          (θ − η·(sign(c) + λ·θ), applied in this order)
 *   m = β₂·m + (1 − β₂)·g
 *
 * m starts at zero, sign(0) = 0 — the operation order of lucidrains/lion-pytorch and google/automl's
 * reference. One state tensor per parameter (`exp_avg`), against AdamW's two.
 */
import { type Optimizer, type OptimizerState, type ParamGroup, tf } from 'tunekit';

export interface LionOptions {
  betas: readonly [number, number];
}

export class Lion implements Optimizer {
  readonly name = 'lion';
  #t = 0;
  readonly #m = new Map<string, tf.Variable>();
  readonly #betas: readonly [number, number];

  constructor(opts: LionOptions) {
    this.#betas = opts.betas;
  }

  step(groups: readonly ParamGroup[], grads: ReadonlyMap<string, tf.Tensor>, lr: number, gradScale = 1): void {
    this.#t += 1;
    const [b1, b2] = this.#betas;
    for (const group of groups) {
      const glr = lr * (group.lrScale ?? 1);
      for (const { name, variable: p } of group.params) {
        const gIn = grads.get(name);
        if (!gIn) continue;
        let m = this.#m.get(name);
        if (!m) {
          m = tf.tidy(() => tf.variable(tf.zerosLike(p), false));
          this.#m.set(name, m);
        }
        const state = m;
        tf.tidy(() => {
          const g = gradScale !== 1 ? tf.mul(gIn, gradScale) : gIn;
          const c = tf.add(tf.mul(state, b1), tf.mul(g, 1 - b1));
          const decayed = group.weightDecay !== 0 ? tf.mul(p, 1 - glr * group.weightDecay) : p;
          p.assign(tf.sub(decayed, tf.mul(tf.sign(c), glr)));
          state.assign(tf.add(tf.mul(state, b2), tf.mul(g, 1 - b2)));
        });
      }
    }
  }

  getState(): OptimizerState {
    const slots: OptimizerState['slots'] = new Map();
    for (const [name, v] of this.#m) slots.set(`${name}.exp_avg`, { shape: v.shape.slice(), data: v.dataSync() as Float32Array });
    return { step: this.#t, slots };
  }

  setState(state: OptimizerState): void {
    this.dispose();
    this.#t = state.step;
    for (const [key, { shape, data }] of state.slots) {
      const m = /^(.*)\.exp_avg$/.exec(key);
      if (m) this.#m.set(m[1] as string, tf.tidy(() => tf.variable(tf.tensor(data, shape), false)));
    }
  }

  dispose(): void {
    for (const v of this.#m.values()) v.dispose();
    this.#m.clear();
  }
}
