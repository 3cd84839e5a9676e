/**
 * Per-layer key/value cache for incremental decoding. Keys and values are stored after RoPE, as
 * `[B, n_kv_heads, S, head_dim]`. The cache owns its tensors (kept outside any tidy scope).
 */
import { tf } from '../../engine/index.js';

/** See the file comment. */
export class KVCache {
  private readonly keys: (tf.Tensor | null)[];
  private readonly values: (tf.Tensor | null)[];

  constructor(readonly numLayers: number) {
    this.keys = new Array<tf.Tensor | null>(numLayers).fill(null);
    this.values = new Array<tf.Tensor | null>(numLayers).fill(null);
  }

  /** Tokens already cached (the same for every layer). */
  get length(): number {
    return this.keys[0]?.shape[2] ?? 0;
  }

  /** Append new keys/values of one layer and return the full ones (valid until the next update). */
  update(layer: number, k: tf.Tensor, v: tf.Tensor): { k: tf.Tensor; v: tf.Tensor } {
    const oldK = this.keys[layer] ?? null;
    const oldV = this.values[layer] ?? null;
    const fullK = tf.keep(oldK ? tf.concat([oldK, k], 2) : k.clone());
    const fullV = tf.keep(oldV ? tf.concat([oldV, v], 2) : v.clone());
    oldK?.dispose();
    oldV?.dispose();
    this.keys[layer] = fullK;
    this.values[layer] = fullV;
    return { k: fullK, v: fullV };
  }

  dispose(): void {
    for (let i = 0; i < this.numLayers; i++) {
      this.keys[i]?.dispose();
      this.values[i]?.dispose();
      this.keys[i] = null;
      this.values[i] = null;
    }
  }
}
