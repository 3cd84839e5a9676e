/** Llama family (HF LlamaForCausalLM; Mistral and Qwen2 via config): RMSNorm, RoPE, GQA, SwiGLU. */
import { swigluOp, tf } from '../../engine/index.js';
import { CausalLM } from '../causal-lm.js';
import type { ForwardContext } from '../forward-context.js';
import { attention, splitHeads } from '../layers/attention.js';
import { rmsNorm } from '../layers/norms.js';
import { applyRope, ropeInvFreq, ropeTables } from '../layers/rope.js';
import type { LlamaConfig } from './config.js';

/** Llama-family transformer body; see {@link CausalLM} for the API. */
export class LlamaModel extends CausalLM {
  declare readonly config: LlamaConfig;
  private invFreq: Float32Array | null = null;

  get numLayers(): number {
    return this.config.numLayers;
  }

  protected layerPrefix(i: number): string {
    return `model.layers.${i}.`;
  }

  protected hidden(ids: tf.Tensor2D, ctx: ForwardContext): tf.Tensor {
    const c = this.config;
    this.invFreq ??= ropeInvFreq(c.headDim, c.ropeTheta, c.ropeScaling);
    const tables = ropeTables(ctx.positions, this.invFreq);
    const cos = ctx.retain(tables.cos);
    const sin = ctx.retain(tables.sin);
    const norm = (name: string, h: tf.Tensor): tf.Tensor => rmsNorm(h, this.p(`${name}.weight`), c.rmsNormEps);
    let x: tf.Tensor = this.embedding('model.embed_tokens', ids);
    for (let i = 0; i < c.numLayers; i++) {
      const p = `model.layers.${i}`;
      x = this.layer(i, x, ctx, (xIn) => {
        let x = xIn;
        const h = norm(`${p}.input_layernorm`, x);
        const q = applyRope(splitHeads(this.linear(`${p}.self_attn.q_proj`).apply(h), c.numHeads, c.headDim), cos, sin);
        let k = applyRope(splitHeads(this.linear(`${p}.self_attn.k_proj`).apply(h), c.numKvHeads, c.headDim), cos, sin);
        let v = splitHeads(this.linear(`${p}.self_attn.v_proj`).apply(h), c.numKvHeads, c.headDim);
        if (ctx.cache) ({ k, v } = ctx.cache.update(i, k, v));
        const a = attention({ q, k, v, scale: 1 / Math.sqrt(c.headDim), mask: ctx.mask(c.slidingWindow[i] ?? null) });
        x = tf.add(x, this.linear(`${p}.self_attn.o_proj`).apply(a));
        const h2 = norm(`${p}.post_attention_layernorm`, x);
        const gate = this.linear(`${p}.mlp.gate_proj`).apply(h2);
        const up = this.linear(`${p}.mlp.up_proj`).apply(h2);
        x = tf.add(x, this.linear(`${p}.mlp.down_proj`).apply(swigluOp(gate, up)));
        return x;
      });
    }
    return norm('model.norm', x);
  }
}
