import { tf } from '../../engine/index.js';
import type { Optimizer, OptimizerState, ParamGroup } from './optimizer.js';

export interface SGDOptions {
  momentum: number;
  nesterov: boolean;
  dampening?: number;
}

/**
 * torch.optim.SGD: weight decay is L2 (added to the gradient), the momentum buffer starts as the
 * first gradient, Nesterov uses `g + μ·buf`.
 */
export class SGD implements Optimizer {
  readonly name = 'sgd';
  #t = 0;
  readonly #buf = new Map<string, tf.Variable>();
  readonly #opts: SGDOptions;

  constructor(opts: SGDOptions) {
    this.#opts = opts;
  }

  step(groups: readonly ParamGroup[], grads: ReadonlyMap<string, tf.Tensor>, lr: number, gradScale = 1): void {
    this.#t += 1;
    const { momentum, nesterov } = this.#opts;
    const dampening = this.#opts.dampening ?? 0;
    for (const group of groups) {
      const glr = lr * (group.lrScale ?? 1);
      for (const { name, variable: p } of group.params) {
        const gIn = grads.get(name);
        if (!gIn) continue;
        tf.tidy(() => {
          const g = gradScale !== 1 ? tf.mul(gIn, gradScale) : gIn;
          let d = group.weightDecay !== 0 ? tf.add(g, tf.mul(p, group.weightDecay)) : g;
          if (momentum !== 0) {
            const prev = this.#buf.get(name);
            let buf: tf.Tensor;
            if (!prev) {
              buf = d;
              this.#buf.set(name, tf.variable(tf.clone(d), false));
            } else {
              buf = tf.add(tf.mul(prev, momentum), tf.mul(d, 1 - dampening));
              prev.assign(buf);
            }
            d = nesterov ? tf.add(d, tf.mul(buf, momentum)) : buf;
          }
          p.assign(tf.sub(p, tf.mul(d, glr)));
        });
      }
    }
  }

  getState(): OptimizerState {
    const slots: OptimizerState['slots'] = new Map();
    for (const [name, v] of this.#buf) slots.set(`${name}.momentum_buffer`, { shape: v.shape.slice(), data: v.dataSync() as Float32Array });
    return { step: this.#t, slots };
  }

  setState(state: OptimizerState): void {
    this.dispose();
    this.#t = state.step;
    for (const [key, { shape, data }] of state.slots) {
      const m = /^(.*)\.momentum_buffer$/.exec(key);
      if (m) this.#buf.set(m[1] as string, tf.variable(tf.tensor(data, shape), false));
    }
  }

  dispose(): void {
    for (const v of this.#buf.values()) v.dispose();
    this.#buf.clear();
  }
}
