import type { tf } from '../../engine/index.js';

/** A trainable parameter by its HF name. */
export interface Param {
  name: string;
  variable: tf.Variable;
}

/** Parameters sharing optimizer settings (HF puts biases and norm weights in a no-decay group). */
export interface ParamGroup {
  params: Param[];
  weightDecay: number;
  /** The group's learning rate is the step's lr times this (default 1; LoRA+ trains B faster). */
  lrScale?: number;
}

/** Host copy of optimizer state: per-parameter named slots plus scalar counters. */
export interface OptimizerState {
  step: number;
  /** `<param name>.<slot>` → values, e.g. `lm_head.weight.exp_avg`. */
  slots: Map<string, { shape: number[]; data: Float32Array }>;
  /** Quantized slots (8-bit optimizers' codes), stored as U8 tensors. */
  bytes?: Map<string, { shape: number[]; data: Uint8Array }>;
}

/**
 * One optimizer update over all groups. `grads` maps a parameter name to its gradient; parameters
 * without a gradient are left untouched, as torch does for `grad is None`. `gradScale` (default 1)
 * multiplies every gradient first — gradient clipping's coefficient, applied inside the update so
 * no scaled copy of the gradients is made. Optimizers never modify the gradient tensors.
 */
export interface Optimizer {
  readonly name: string;
  step(groups: readonly ParamGroup[], grads: ReadonlyMap<string, tf.Tensor>, lr: number, gradScale?: number): void;
  /**
   * The state in host memory (for checkpoints and parity tests). On host-storage backends the
   * arrays may be the optimizer's live storage: copy them to keep them past the next step.
   */
  getState(): OptimizerState;
  /** Restore state written by `getState` (on resume). */
  setState(state: OptimizerState): void;
  dispose(): void;
}
