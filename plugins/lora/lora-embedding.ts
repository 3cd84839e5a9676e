/**
 * Embedding LoRA with PEFT 0.12 semantics (`peft/tuners/lora/layer.py` class `Embedding`):
 * `lora_embedding_A [r, num_embeddings]`, `lora_embedding_B [embedding_dim, r]` (bare nn.Parameters,
 * no `.weight` suffix), forward `base(x) + embedding(x, Aᵀ) @ Bᵀ · scaling` with NO dropout, init
 * A = 0 and B ~ N(0, 1), merge delta `(B @ A)ᵀ · scaling` of shape `[num_embeddings, dim]`.
 */
import { type EmbeddingAdapter, Parameter, tf } from '../../src/index.js';
import { loraScaling, type LoraLayerSettings } from './lora-linear.js';

/**
 * Rows `[N, r]` whose gradient is zero where `keep` `[N, 1]` is 0: PEFT's `_embed` passes the base
 * layer's `padding_idx` to `F.embedding`, so the padding row of `Aᵀ` never receives a gradient.
 */
function maskGradient(rows: tf.Tensor, keep: tf.Tensor): tf.Tensor {
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x, k, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    save([k]);
    return { value: tf.clone(x), gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [tf.mul(dy, saved[0] as tf.Tensor), tf.zerosLike(k)] };
  });
  return f(rows, keep);
}

/** See the file comment. `paddingIdx` is the base nn.Embedding's `padding_idx` (null if none). */
export class LoraEmbedding implements EmbeddingAdapter {
  readonly kind = 'embedding+lora';
  readonly scaling: number;

  constructor(
    readonly loraA: Parameter,
    readonly loraB: Parameter,
    readonly settings: Pick<LoraLayerSettings, 'r' | 'alpha' | 'rslora'>,
    readonly paddingIdx: number | null,
  ) {
    this.scaling = loraScaling(settings);
  }

  apply(ids: tf.Tensor, base: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      // gatherND rather than gather along A's axis 1: see layers/embedding.ts (scatter gradient).
      const flat = tf.reshape(ids, [-1, 1]);
      let rows = tf.gatherND(tf.transpose(this.loraA.value), flat); // [N, r]
      if (this.paddingIdx !== null) rows = maskGradient(rows, tf.cast(tf.notEqual(flat, this.paddingIdx), 'float32'));
      const delta = tf.matMul(rows, this.loraB.value, false, true); // [N, dim]
      return tf.add(base, tf.reshape(tf.mul(delta, this.scaling), base.shape));
    });
  }

  parameters(): [string, Parameter][] {
    return [
      ['lora_embedding_A', this.loraA],
      ['lora_embedding_B', this.loraB],
    ];
  }

  /** ΔW = (B @ A)ᵀ · scaling, `[num_embeddings, dim]` like the base weight. */
  deltaWeight(): tf.Tensor2D {
    return tf.tidy(() => tf.mul(tf.matMul(this.loraA.value as tf.Tensor2D, this.loraB.value as tf.Tensor2D, true, true), this.scaling) as tf.Tensor2D);
  }

  dispose(): void {
    this.loraA.dispose();
    this.loraB.dispose();
  }
}

/** PEFT's embedding init: `lora_embedding_A` zeros, `lora_embedding_B` ~ N(0, 1) (whatever `init_lora_weights` kind). */
export function newLoraEmbedding(path: string, numEmbeddings: number, dim: number, s: Pick<LoraLayerSettings, 'r' | 'alpha' | 'rslora'>, normal: () => number, paddingIdx: number | null): LoraEmbedding {
  const b = new Float32Array(dim * s.r);
  for (let i = 0; i < b.length; i++) b[i] = normal();
  const A = new Parameter(`${path}.lora_embedding_A`, tf.zeros([s.r, numEmbeddings]), true);
  const B = new Parameter(`${path}.lora_embedding_B`, tf.tensor2d(b, [dim, s.r]), true);
  return new LoraEmbedding(A, B, s, paddingIdx);
}
