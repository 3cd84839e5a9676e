/** MPT (HF MptForCausalLM): ALiBi, fused Wqkv, weight-only LayerNorm, erf GELU, tied head. */
import { tf } from '../../engine/index.js';
import { CausalLM } from '../causal-lm.js';
import type { ForwardContext } from '../forward-context.js';
import { activation } from '../layers/activations.js';
import { alibiBias, alibiSlopes } from '../layers/alibi.js';
import { attention, splitHeads } from '../layers/attention.js';
import { layerNorm } from '../layers/norms.js';
import type { MptConfig } from './config.js';

/** MPT transformer body; see {@link CausalLM} for the API. */
export class MptModel extends CausalLM {
  declare readonly config: MptConfig;
  private slopes: Float32Array | null = null;

  get numLayers(): number {
    return this.config.nLayers;
  }

  protected layerPrefix(i: number): string {
    return `transformer.blocks.${i}.`;
  }

  protected hidden(ids: tf.Tensor2D, ctx: ForwardContext): tf.Tensor {
    const c = this.config;
    const hd = c.dModel / c.nHeads;
    // HF always builds the slopes with alibi_bias_max = 8, whatever attn_config says.
    this.slopes ??= alibiSlopes(c.nHeads, 8);
    const bias = ctx.retain(alibiBias(this.slopes, ctx.pastLength + ctx.length));
    const scale = c.softmaxScale ?? 1 / Math.sqrt(hd);
    const ln = (name: string, h: tf.Tensor): tf.Tensor => layerNorm(h, this.p(`${name}.weight`), null, c.layerNormEps);
    let x: tf.Tensor = this.embedding('transformer.wte', ids);
    for (let i = 0; i < c.nLayers; i++) {
      const p = `transformer.blocks.${i}`;
      x = this.layer(i, x, ctx, (xIn) => {
        let x = xIn;
        let qkv = this.linear(`${p}.attn.Wqkv`).apply(ln(`${p}.norm_1`, x));
        if (c.clipQkv !== null) qkv = tf.clipByValue(qkv, -c.clipQkv, c.clipQkv);
        const [q, k, v] = tf.split(qkv, 3, 2) as [tf.Tensor, tf.Tensor, tf.Tensor];
        let kh = splitHeads(k, c.nHeads, hd);
        let vh = splitHeads(v, c.nHeads, hd);
        if (ctx.cache) ({ k: kh, v: vh } = ctx.cache.update(i, kh, vh));
        const a = attention({ q: splitHeads(q, c.nHeads, hd), k: kh, v: vh, scale, mask: ctx.mask(), bias });
        x = tf.add(x, this.linear(`${p}.attn.out_proj`).apply(a));
        const m = this.linear(`${p}.ffn.up_proj`).apply(ln(`${p}.norm_2`, x));
        x = tf.add(x, this.linear(`${p}.ffn.down_proj`).apply(activation('gelu', m)));
        return x;
      });
    }
    return ln('transformer.norm_f', x);
  }
}
