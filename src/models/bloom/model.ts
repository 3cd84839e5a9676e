/**
 * BLOOM (HF BloomForCausalLM): embedding LayerNorm, fused per-head-interleaved query_key_value,
 * ALiBi over mask-cumsum key positions, tanh GELU with BLOOM's constant, tied head.
 */
import { geluTanhOp, tf } from '../../engine/index.js';
import { CausalLM } from '../causal-lm.js';
import type { ForwardContext } from '../forward-context.js';
import { bloomAlibiBias, bloomAlibiSlopes } from '../layers/alibi.js';
import { attention } from '../layers/attention.js';
import { layerNorm } from '../layers/norms.js';
import type { BloomConfig } from './config.js';

/**
 * bloom_gelu_forward: x·0.5·(1 + tanh(0.79788456·x·(1 + 0.044715·x²))). The same function as
 * gelu_new: 0.79788456 and √(2/π) are one float32 value, x·(1 + 0.044715·x²) = x + 0.044715·x³ up to
 * float32 rounding, and HF's bloom_gelu_back is its exact derivative — so the engine's fused op.
 */
function bloomGelu(x: tf.Tensor): tf.Tensor {
  return geluTanhOp(x);
}

/** BLOOM transformer body; see {@link CausalLM} for the API. */
export class BloomModel extends CausalLM {
  declare readonly config: BloomConfig;
  private slopes: Float32Array | null = null;

  get numLayers(): number {
    return this.config.numLayers;
  }

  protected layerPrefix(i: number): string {
    return `transformer.h.${i}.`;
  }

  protected hidden(ids: tf.Tensor2D, ctx: ForwardContext): tf.Tensor {
    const c = this.config;
    const H = c.numHeads;
    const hd = c.hiddenSize / H;
    this.slopes ??= bloomAlibiSlopes(H);
    const bias = ctx.retain(bloomAlibiBias(this.slopes, ctx.keyMask()));
    const ln = (name: string, h: tf.Tensor): tf.Tensor => layerNorm(h, this.p(`${name}.weight`), this.p(`${name}.bias`), c.layerNormEps);
    let x = ln('transformer.word_embeddings_layernorm', this.embedding('transformer.word_embeddings', ids));
    const [B, T] = [ctx.batch, ctx.length];
    for (let i = 0; i < c.numLayers; i++) {
      const p = `transformer.h.${i}`;
      x = this.layer(i, x, ctx, (xIn) => {
        let x = xIn;
        const h = ln(`${p}.input_layernorm`, x);
        // query_key_value output is laid out per head: [q_h | k_h | v_h] for h = 0..H−1.
        const fused = tf.reshape(this.linear(`${p}.self_attention.query_key_value`).apply(h), [B, T, H, 3 * hd]);
        const [q, k, v] = tf.split(fused, 3, 3).map((t) => tf.transpose(t, [0, 2, 1, 3])) as [tf.Tensor, tf.Tensor, tf.Tensor];
        let kh = k;
        let vh = v;
        if (ctx.cache) ({ k: kh, v: vh } = ctx.cache.update(i, k, v));
        const a = attention({ q, k: kh, v: vh, scale: 1 / Math.sqrt(hd), mask: ctx.mask(), bias });
        x = tf.add(c.residualPostLayernorm ? h : x, this.linear(`${p}.self_attention.dense`).apply(a));
        const h2 = ln(`${p}.post_attention_layernorm`, x);
        const m = this.linear(`${p}.mlp.dense_4h_to_h`).apply(bloomGelu(this.linear(`${p}.mlp.dense_h_to_4h`).apply(h2)));
        x = tf.add(c.residualPostLayernorm ? h2 : x, m);
        return x;
      });
    }
    return ln('transformer.ln_f', x);
  }
}
