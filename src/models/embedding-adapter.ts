/**
 * A hook on an embedding lookup (PEFT `lora.Embedding`): the model computes the base rows
 * `weight[ids]` and hands them, with the ids, to the adapter registered for that embedding path.
 */
import type { tf } from '../engine/index.js';
import type { Parameter } from './layers/parameter.js';

/** Something that adapts an embedding's output, e.g. embedding LoRA. */
export interface EmbeddingAdapter {
  /** e.g. `embedding+lora`. */
  readonly kind: string;
  /** `ids [B, T]` int32 and `base = weight[ids]` `[B, T, d]` → the adapted embeddings `[B, T, d]`. */
  apply(ids: tf.Tensor, base: tf.Tensor): tf.Tensor;
  /** Parameters with names relative to the embedding path (e.g. `lora_embedding_A`), in PEFT order. */
  parameters(): [string, Parameter][];
  dispose(): void;
}
