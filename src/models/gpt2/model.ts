/** GPT-2 (HF GPT2LMHeadModel): learned positions, Conv1D projections, pre-LN blocks, tied head. */
import { tf } from '../../engine/index.js';
import { CausalLM } from '../causal-lm.js';
import type { ForwardContext } from '../forward-context.js';
import { activation } from '../layers/activations.js';
import { attention, splitHeads } from '../layers/attention.js';
import { layerNorm } from '../layers/norms.js';
import type { Gpt2Config } from './config.js';

/** GPT-2 transformer body; see {@link CausalLM} for the API. */
export class Gpt2Model extends CausalLM {
  declare readonly config: Gpt2Config;

  get numLayers(): number {
    return this.config.nLayer;
  }

  protected layerPrefix(i: number): string {
    return `transformer.h.${i}.`;
  }

  protected hidden(ids: tf.Tensor2D, ctx: ForwardContext): tf.Tensor {
    const c = this.config;
    const hd = c.nEmbd / c.nHead;
    const pos = tf.tensor2d(ctx.positions.flat(), [ctx.batch, ctx.length], 'int32');
    let x = tf.add(this.embedding('transformer.wte', ids), this.embedding('transformer.wpe', pos));
    const ln = (name: string, h: tf.Tensor): tf.Tensor => layerNorm(h, this.p(`${name}.weight`), this.p(`${name}.bias`), c.layerNormEps);
    for (let i = 0; i < c.nLayer; i++) {
      const p = `transformer.h.${i}`;
      x = this.layer(i, x, ctx, (xIn) => {
        let x = xIn;
        const qkv = this.linear(`${p}.attn.c_attn`).apply(ln(`${p}.ln_1`, x));
        const [q, k, v] = tf.split(qkv, 3, 2) as [tf.Tensor, tf.Tensor, tf.Tensor];
        let kh = splitHeads(k, c.nHead, hd);
        let vh = splitHeads(v, c.nHead, hd);
        if (ctx.cache) ({ k: kh, v: vh } = ctx.cache.update(i, kh, vh));
        let scale = c.scaleAttnWeights ? 1 / Math.sqrt(hd) : 1;
        if (c.scaleAttnByInverseLayerIdx) scale /= i + 1;
        const a = attention({ q: splitHeads(q, c.nHead, hd), k: kh, v: vh, scale, mask: ctx.mask() });
        x = tf.add(x, this.linear(`${p}.attn.c_proj`).apply(a));
        const m = this.linear(`${p}.mlp.c_fc`).apply(ln(`${p}.ln_2`, x));
        x = tf.add(x, this.linear(`${p}.mlp.c_proj`).apply(activation(c.activation, m)));
        return x;
      });
    }
    return ln('transformer.ln_f', x);
  }
}
