import { tf } from '../../engine/index.js';
import { activeNativeAddon, hostStorageBackend, ownedStorage, ownedVariable, storageOf } from '../../engine/host-storage.js';
import { adamwHostStep } from './adamw-host.js';
import type { Optimizer, OptimizerState, ParamGroup } from './optimizer.js';

export interface AdamWOptions {
  betas: readonly [number, number];
  eps: number;
}

/**
 * torch.optim.AdamW (`_single_tensor_adamw`, amsgrad off), step for step:
 * decay first with the current lr, `m` by lerp, eps added after the bias-corrected square root.
 * Scalar coefficients are computed in float64 and applied as float32, as torch does on CPU.
 *
 * On host-storage backends ('native', 'cpu') the update is one fused in-place pass per tensor
 * (adamw-host.ts); elsewhere it is composed from tfjs ops. Both give the same float32 results.
 */
export class AdamW implements Optimizer {
  readonly name = 'adamw';
  #t = 0;
  readonly #m = new Map<string, tf.Variable>();
  readonly #v = new Map<string, tf.Variable>();
  readonly #opts: AdamWOptions;

  constructor(opts: AdamWOptions) {
    this.#opts = opts;
  }

  step(groups: readonly ParamGroup[], grads: ReadonlyMap<string, tf.Tensor>, lr: number, gradScale = 1): void {
    this.#t += 1;
    const [b1, b2] = this.#opts.betas;
    const t = this.#t;
    const bc2Sqrt = Math.sqrt(1 - b2 ** t);
    const host = hostStorageBackend();
    const addon = activeNativeAddon();
    for (const group of groups) {
      const glr = lr * (group.lrScale ?? 1);
      const stepSize = glr / (1 - b1 ** t);
      const decay = 1 - glr * group.weightDecay;
      for (const { name, variable: p } of group.params) {
        const gIn = grads.get(name);
        if (!gIn) continue;
        const m = this.#slot(this.#m, name, p);
        const v = this.#slot(this.#v, name, p);
        const gHost = host ? storageOf(gIn) : null;
        if (gHost) {
          const scalars = { decay, beta1: b1, beta2: b2, biasCorrection2Sqrt: bc2Sqrt, eps: this.#opts.eps, stepSize, gradScale };
          adamwHostStep(ownedStorage(p) as Float32Array, gHost, ownedStorage(m) as Float32Array, ownedStorage(v) as Float32Array, scalars, addon);
          continue;
        }
        tf.tidy(() => {
          const g = gradScale !== 1 ? tf.mul(gIn, gradScale) : gIn;
          const pDecayed = group.weightDecay !== 0 ? tf.mul(p, decay) : p;
          const mNew = tf.add(m, tf.mul(tf.sub(g, m), 1 - b1));
          const vNew = tf.add(tf.mul(v, b2), tf.mul(tf.mul(g, 1 - b2), g));
          const denom = tf.add(tf.div(tf.sqrt(vNew), bc2Sqrt), this.#opts.eps);
          const pNew = tf.sub(pDecayed, tf.mul(tf.div(mNew, denom), stepSize));
          m.assign(mNew);
          v.assign(vNew);
          p.assign(pNew);
        });
      }
    }
  }

  #slot(map: Map<string, tf.Variable>, name: string, p: tf.Variable): tf.Variable {
    let s = map.get(name);
    if (!s) {
      s = ownedVariable(new Float32Array(p.size), p.shape);
      map.set(name, s);
    }
    return s;
  }

  getState(): OptimizerState {
    const slots: OptimizerState['slots'] = new Map();
    for (const [slot, map] of [
      ['exp_avg', this.#m],
      ['exp_avg_sq', this.#v],
    ] as const) {
      for (const [name, v] of map) slots.set(`${name}.${slot}`, { shape: v.shape.slice(), data: v.dataSync() as Float32Array });
    }
    return { step: this.#t, slots };
  }

  setState(state: OptimizerState): void {
    this.dispose();
    this.#t = state.step;
    for (const [key, { shape, data }] of state.slots) {
      const m = /^(.*)\.(exp_avg|exp_avg_sq)$/.exec(key);
      if (!m) continue;
      const name = m[1] as string;
      (m[2] === 'exp_avg' ? this.#m : this.#v).set(name, ownedVariable(Float32Array.from(data), shape));
    }
  }

  dispose(): void {
    for (const v of [...this.#m.values(), ...this.#v.values()]) v.dispose();
    this.#m.clear();
    this.#v.clear();
  }
}
