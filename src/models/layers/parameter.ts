/**
 * A named model parameter: a `tf.Variable` when trainable (so `tf.variableGrads` sees it), a plain
 * kept tensor when frozen (no gradient bookkeeping, no optimizer state).
 */
import { tf } from '../../engine/index.js';

/** See the file comment. */
/** Values that stand in for parameters while a checkpointed block is recomputed (see {@link withParameterValues}). */
let substitutions: ReadonlyMap<Parameter, tf.Tensor> | null = null;

/**
 * Run `fn` with some parameters reading as other tensors. Activation checkpointing recomputes a block
 * from saved copies of its inputs; gradients reach the copies only if the block reads them, so the
 * block's trainable parameters are substituted by their copies during the recomputation.
 */
export function withParameterValues<T>(values: ReadonlyMap<Parameter, tf.Tensor>, fn: () => T): T {
  const previous = substitutions;
  substitutions = values;
  try {
    return fn();
  } finally {
    substitutions = previous;
  }
}

export class Parameter {
  private tensor: tf.Tensor;
  private isTrainable: boolean;

  /** `name` is the full HF name (e.g. `model.layers.0.self_attn.q_proj.weight`). Takes ownership of `value`. */
  constructor(
    readonly name: string,
    value: tf.Tensor,
    trainable: boolean,
  ) {
    this.isTrainable = trainable;
    // Variables get engine-generated names: HF names would collide across models in one process.
    this.tensor = trainable ? tf.variable(value, true) : tf.keep(value);
    if (trainable) value.dispose();
  }

  /** The current value (a `tf.Variable` when trainable). */
  get value(): tf.Tensor {
    return substitutions?.get(this) ?? this.tensor;
  }

  get trainable(): boolean {
    return this.isTrainable;
  }

  /** The variable of a trainable parameter (for optimizers and `tf.variableGrads`). */
  get variable(): tf.Variable {
    if (!this.isTrainable) throw new Error(`parameter ${this.name} is frozen`);
    return this.tensor as tf.Variable;
  }

  get shape(): number[] {
    return this.tensor.shape;
  }

  /** Switch between trainable variable and frozen tensor, keeping the value. */
  setTrainable(trainable: boolean): void {
    if (trainable === this.isTrainable) return;
    const old = this.tensor;
    this.tensor = trainable ? tf.variable(old, true) : tf.keep(old.clone());
    old.dispose();
    this.isTrainable = trainable;
  }

  /** Replace the value (same shape), e.g. after an optimizer step or a merge. */
  assign(value: tf.Tensor): void {
    if (this.isTrainable) (this.tensor as tf.Variable).assign(value);
    else {
      const old = this.tensor;
      this.tensor = tf.keep(value.clone());
      old.dispose();
    }
  }

  /** Copy the value to host memory. */
  async data(): Promise<Float32Array> {
    return (await this.tensor.data()) as Float32Array;
  }

  dispose(): void {
    this.tensor.dispose();
  }
}
