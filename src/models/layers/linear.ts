/**
 * A Linear slot: one projection of a model at an HF module path, with a swappable implementation.
 * The training plan replaces the default dense implementation with LoRA-wrapped, quantized, … ones
 * via `model.replaceLinear(path, impl)`; the model only ever calls `slot.apply(x)`.
 */
import { tf } from '../../engine/index.js';
import type { LinearLayout } from '../types.js';
import type { Parameter } from './parameter.js';
import { TransposeCache, frozenMatMulT } from './transpose-cache.js';

/** An implementation of a projection `[..., in] → [..., out]`. */
export interface LinearImpl {
  /** e.g. `dense`, `lora`, `nf4+lora`. */
  readonly kind: string;
  apply(x: tf.Tensor): tf.Tensor;
  /** Parameters with names relative to the slot path (`weight`, `bias`, `lora_A.weight`, …), in HF order. */
  parameters(): [string, Parameter][];
  /** The implementation this one wraps (an adapter's base layer); the model disposes it with this one. */
  readonly base?: LinearImpl;
  /** Free this layer's own tensors (not its `base`'s: a merge keeps the base). */
  dispose(): void;
}

/** Shape facts of a slot, fixed by the architecture. */
export interface LinearShape {
  path: string;
  inFeatures: number;
  outFeatures: number;
  layout: LinearLayout;
}

/** One projection at an HF module path; `impl` is what computes it. */
export class LinearSlot implements LinearShape {
  readonly path: string;
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly layout: LinearLayout;

  constructor(
    shape: LinearShape,
    public impl: LinearImpl,
  ) {
    this.path = shape.path;
    this.inFeatures = shape.inFeatures;
    this.outFeatures = shape.outFeatures;
    this.layout = shape.layout;
  }

  apply(x: tf.Tensor): tf.Tensor {
    return this.impl.apply(x);
  }
}

/**
 * y = x·Wᵀ + b for nn.Linear (`weight [out, in]`) or y = x·W + b for Conv1D (`weight [in, out]`).
 * Weights stay in their HF layout so export and LoRA merges are name-for-name copies.
 */
export class DenseLinear implements LinearImpl {
  readonly kind = 'dense';
  /** Multiply a frozen nn.Linear weight by a cached transposed copy (faster on wasm, one extra copy). */
  cacheTransposed = true;
  private readonly wT = new TransposeCache();

  constructor(
    readonly layout: LinearLayout,
    readonly weight: Parameter,
    readonly bias: Parameter | null,
  ) {}

  apply(x: tf.Tensor): tf.Tensor {
    if (this.layout === 'linear' && !this.weight.trainable && this.cacheTransposed) {
      // Frozen nn.Linear weight: cached Wᵀ forward, W backward — no per-call transpose either way.
      const w = this.weight.value;
      const wT = this.wT.get(w);
      const b = this.bias?.value ?? null;
      return tf.tidy(() => {
        const inF = x.shape[x.shape.length - 1] as number;
        let y = frozenMatMulT(tf.reshape(x, [-1, inF]), w, wT);
        if (b) y = tf.add(y, b);
        return tf.reshape(y, [...x.shape.slice(0, -1), this.weight.shape[0] as number]);
      });
    }
    return denseApply(x, this.weight.value, this.bias?.value ?? null, this.layout);
  }

  /** Free the transposed copy (it is rebuilt on the next frozen forward if caching stays on). */
  releaseCaches(): void {
    this.wT.dispose();
  }

  parameters(): [string, Parameter][] {
    const out: [string, Parameter][] = [['weight', this.weight]];
    if (this.bias) out.push(['bias', this.bias]);
    return out;
  }

  dispose(): void {
    this.wT.dispose();
    this.weight.dispose();
    this.bias?.dispose();
  }
}

/** The dense projection math, shared with wrapping implementations (LoRA's base path). */
export function denseApply(x: tf.Tensor, w: tf.Tensor, b: tf.Tensor | null, layout: LinearLayout): tf.Tensor {
  return tf.tidy(() => {
    const inF = x.shape[x.shape.length - 1] as number;
    const lead = x.shape.slice(0, -1);
    const x2 = tf.reshape(x, [-1, inF]);
    let y: tf.Tensor = layout === 'conv1d' ? tf.matMul(x2, w) : tf.matMul(x2, w, false, true);
    if (b) y = tf.add(y, b);
    return tf.reshape(y, [...lead, y.shape[1] as number]);
  });
}
