/**
 * The output head as a swappable projection (`lm_head`, an nn.Linear `[vocab, hidden]` in HF), so the
 * LoRA plugin can wrap it exactly like any other Linear slot. With tied embeddings the weight is the
 * embedding matrix itself — as in PEFT, where the wrapped head's `base_layer.weight` is the shared
 * parameter — and an adapter on the head changes only the head's output, never the input embedding.
 */
import { tf } from '../engine/index.js';
import type { LinearImpl } from './layers/linear.js';
import type { Parameter } from './layers/parameter.js';
import { TransposeCache, frozenMatMulT } from './layers/transpose-cache.js';

/** hidden `[..., d]` → logits `[..., vocab]` = h·Wᵀ with `W [vocab, d]` (no bias in any supported model). */
export class LmHead implements LinearImpl {
  readonly kind = 'dense';
  /** Multiply a frozen head by a cached transposed copy (see {@link TransposeCache}). */
  cacheTransposed = true;
  private readonly wT = new TransposeCache();

  /**
   * @param weight the head weight: `lm_head.weight`, or the embedding weight when tied. It is owned by
   *   the model's parameter table (listed under its own name), so this head neither lists nor frees it.
   * @param tiedTo the embedding module path when the head is tied, else null.
   */
  constructor(
    readonly weight: Parameter,
    readonly tiedTo: string | null,
  ) {}

  apply(h: tf.Tensor): tf.Tensor {
    const prm = this.weight;
    const w = prm.value;
    return tf.tidy(() => {
      const d = h.shape[h.rank - 1] as number;
      const h2 = tf.reshape(h, [-1, d]);
      const y = prm.trainable || !this.cacheTransposed ? tf.matMul(h2, w, false, true) : frozenMatMulT(h2, w, this.wT.get(w));
      return tf.reshape(y, [...h.shape.slice(0, -1), w.shape[0] as number]);
    });
  }

  /** None of its own: the weight is a model parameter (`lm_head.weight` or the tied embedding). */
  parameters(): [string, Parameter][] {
    return [];
  }

  /** Free the transposed copy (rebuilt on the next frozen forward while caching is on). */
  releaseCaches(): void {
    this.wT.dispose();
  }

  dispose(): void {
    this.wT.dispose();
  }
}
