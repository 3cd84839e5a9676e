/**
 * bitsandbytes `AdamW8bit` (recipe names `adamw_8bit` and `paged_adamw_8bit`; paging moves states
 * between GPU and CPU memory and has no meaning on these engines, so both are this algorithm).
 *
 * m is stored as uint8 codes of the signed dynamic map and v as codes of the unsigned map, with a
 * float32 absmax per block of 256; tensors under `min_8bit_size` (4096) elements keep float32 state
 * and follow torch.optim.AdamW exactly. The update runs on the host (parameters and gradients are
 * read once per step, the new parameters written back), which is what the 8-bit state needs anyway:
 * TensorFlow.js has no uint8 tensors. Step order and numerics: see `adamw-8bit-kernel.ts`.
 */
import { tf } from '../../engine/index.js';
import { fail } from '../../diagnostics/index.js';
import { DYNAMIC_MAP_SIGNED, DYNAMIC_MAP_UNSIGNED } from '../../quant/dynamic-map.js';
import { adam32bitStep, adam8bitStep, newAdam8bitState, type Adam8bitState, type AdamStepScalars } from './adamw-8bit-kernel.js';
import type { Optimizer, OptimizerState, ParamGroup } from './optimizer.js';
import { ownedStorage, storageOf } from '../../engine/host-storage.js';

export interface AdamW8bitOptions {
  betas: readonly [number, number];
  eps: number;
  /** Tensors with fewer elements keep 32-bit state (bitsandbytes `min_8bit_size`, default 4096). */
  minSize8bit?: number;
  /** Block of the state absmax (bitsandbytes uses 256 since PR #1365). */
  blocksize?: number;
  /** `adamw_8bit` (default) or `paged_adamw_8bit`: same algorithm, the name is reported. */
  name?: 'adamw_8bit' | 'paged_adamw_8bit';
}

/**
 * `getState()` of {@link AdamW8bit}: float32 slots (`<p>.exp_avg`, `<p>.exp_avg_sq` for 32-bit
 * tensors; `<p>.absmax1`, `<p>.absmax2` for 8-bit ones) plus the uint8 codes (`<p>.state1`,
 * `<p>.state2`) in `bytes`, to be stored as U8 tensors. `setState` also finds the codes among
 * `slots` when a checkpoint reader put U8 data there.
 */
export interface OptimizerState8bit extends OptimizerState {
  bytes: Map<string, { shape: number[]; data: Uint8Array }>;
}

type ParamState = { kind: '8bit'; s: Adam8bitState } | { kind: '32bit'; m: Float32Array; v: Float32Array };

/**
 * @example
 * const opt = new AdamW8bit({ betas: [0.9, 0.999], eps: 1e-8 });
 * opt.step(groups, grads, lr);
 */
export class AdamW8bit implements Optimizer {
  readonly name: string;
  readonly qmap1: Float32Array = DYNAMIC_MAP_SIGNED;
  readonly qmap2: Float32Array = DYNAMIC_MAP_UNSIGNED;
  readonly minSize8bit: number;
  readonly blocksize: number;
  #t = 0;
  readonly #state = new Map<string, ParamState>();
  readonly #opts: AdamW8bitOptions;

  constructor(opts: AdamW8bitOptions) {
    this.#opts = opts;
    this.name = opts.name ?? 'adamw_8bit';
    this.minSize8bit = opts.minSize8bit ?? 4096;
    this.blocksize = opts.blocksize ?? 256;
  }

  step(groups: readonly ParamGroup[], grads: ReadonlyMap<string, tf.Tensor>, lr: number, gradScale = 1): void {
    this.#t += 1;
    const [beta1, beta2] = this.#opts.betas;
    for (const group of groups) {
      const k: AdamStepScalars = { lr: lr * (group.lrScale ?? 1), beta1, beta2, eps: this.#opts.eps, weightDecay: group.weightDecay, step: this.#t };
      for (const { name, variable } of group.params) {
        const gT = grads.get(name);
        if (!gT) continue;
        // Host-storage engines update the weights in place; elsewhere a host copy is updated and assigned.
        const live = ownedStorage(variable);
        const p = live ?? Float32Array.from(variable.dataSync() as Float32Array);
        const gLive = storageOf(gT) ?? (gT.dataSync() as Float32Array);
        // Scale a copy: on host-storage backends this is the gradient's own storage.
        const g = gradScale !== 1 ? gLive.map((x) => Math.fround(x * gradScale)) : gLive;
        const st = this.#stateFor(name, p.length);
        if (st.kind === '8bit') adam8bitStep(p, g, st.s, this.qmap1, this.qmap2, k, this.blocksize);
        else adam32bitStep(p, g, st.m, st.v, k);
        if (!live) tf.tidy(() => variable.assign(tf.tensor(p, variable.shape)));
      }
    }
  }

  #stateFor(name: string, n: number): ParamState {
    let st = this.#state.get(name);
    if (!st) {
      st = n < this.minSize8bit ? { kind: '32bit', m: new Float32Array(n), v: new Float32Array(n) } : { kind: '8bit', s: newAdam8bitState(n, this.blocksize) };
      this.#state.set(name, st);
    }
    return st;
  }

  /** The 8-bit state of a parameter (undefined for 32-bit or untouched ones); for tests and inspection. */
  state8bit(name: string): Adam8bitState | undefined {
    const st = this.#state.get(name);
    return st?.kind === '8bit' ? st.s : undefined;
  }

  /** Bytes held by optimizer state (codes + absmax, or two float32 moments). */
  stateBytes(): number {
    let total = 0;
    for (const st of this.#state.values()) {
      total += st.kind === '8bit' ? st.s.state1.byteLength + st.s.state2.byteLength + st.s.absmax1.byteLength + st.s.absmax2.byteLength : st.m.byteLength + st.v.byteLength;
    }
    return total;
  }

  getState(): OptimizerState8bit {
    const slots: OptimizerState['slots'] = new Map();
    const bytes: OptimizerState8bit['bytes'] = new Map();
    for (const [name, st] of this.#state) {
      if (st.kind === '32bit') {
        slots.set(`${name}.exp_avg`, { shape: [st.m.length], data: st.m.slice() });
        slots.set(`${name}.exp_avg_sq`, { shape: [st.v.length], data: st.v.slice() });
      } else {
        slots.set(`${name}.absmax1`, { shape: [st.s.absmax1.length], data: st.s.absmax1.slice() });
        slots.set(`${name}.absmax2`, { shape: [st.s.absmax2.length], data: st.s.absmax2.slice() });
        bytes.set(`${name}.state1`, { shape: [st.s.state1.length], data: st.s.state1.slice() });
        bytes.set(`${name}.state2`, { shape: [st.s.state2.length], data: st.s.state2.slice() });
      }
    }
    return { step: this.#t, slots, bytes };
  }

  setState(state: OptimizerState): void {
    this.dispose();
    this.#t = state.step;
    const extra = (state as Partial<OptimizerState8bit>).bytes;
    const codes = (key: string): Uint8Array | undefined => {
      const fromBytes = extra?.get(key)?.data;
      if (fromBytes) return fromBytes;
      // A checkpoint reader that loads U8 tensors into `slots` hands us a Uint8Array at runtime.
      const raw: unknown = state.slots.get(key)?.data;
      return raw instanceof Uint8Array ? raw : undefined;
    };
    const floats = (key: string): Float32Array | undefined => {
      const raw: unknown = state.slots.get(key)?.data;
      return raw instanceof Float32Array ? raw : undefined;
    };
    const names = new Set([...state.slots.keys(), ...(extra?.keys() ?? [])].map((k) => k.replace(/\.(exp_avg|exp_avg_sq|absmax1|absmax2|state1|state2)$/, '')));
    for (const name of names) {
      const m = floats(`${name}.exp_avg`);
      const v = floats(`${name}.exp_avg_sq`);
      if (m && v && m.length === v.length) {
        this.#state.set(name, { kind: '32bit', m: m.slice(), v: v.slice() });
        continue;
      }
      const s1 = codes(`${name}.state1`);
      const s2 = codes(`${name}.state2`);
      const a1 = floats(`${name}.absmax1`);
      const a2 = floats(`${name}.absmax2`);
      const nb = s1 ? Math.ceil(s1.length / this.blocksize) : -1;
      if (!s1 || !s2 || !a1 || !a2 || s2.length !== s1.length || a1.length !== nb || a2.length !== nb) {
        fail('QUANT_OPTIM_STATE_INVALID', `8-bit optimizer state of ${name} is incomplete or inconsistent`, {
          expected: `U8 ${name}.state1/.state2 and F32 ${name}.absmax1/.absmax2 (one per ${this.blocksize} values)`,
          found: [s1 ? `state1[${s1.length}]` : 'no state1', s2 ? `state2[${s2.length}]` : 'no state2', a1 ? `absmax1[${a1.length}]` : 'no absmax1', a2 ? `absmax2[${a2.length}]` : 'no absmax2'].join(', '),
          hint: 'the checkpoint was written without its uint8 optimizer tensors; resume from another checkpoint or restart the optimizer',
        });
      }
      this.#state.set(name, { kind: '8bit', s: { state1: s1.slice(), state2: s2.slice(), absmax1: a1.slice(), absmax2: a2.slice() } });
    }
  }

  dispose(): void {
    this.#state.clear();
  }
}
