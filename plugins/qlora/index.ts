/**
 * The `qlora` method plugin: before LoRA wraps them, every linear projection of the model is
 * replaced by a frozen 4-bit (NF4 or FP4) copy, bit-compatible with bitsandbytes' `Linear4bit`, as
 * transformers' `load_in_4bit` does (the output head and embeddings stay float). The LoRA plugin then
 * puts float32 adapters on top. `compute_dtype` is recorded; these engines compute in float32.
 */
import { definePlugin } from '../../src/plugin-host/index.js';
import { DenseLinear } from '../../src/models/layers/linear.js';
import { quantizeDense, quantizedBytes } from '../../src/quant/index.js';
import { Nf4Linear } from '../../src/quant/nf4-linear.js';

export default definePlugin({
  name: 'qlora',
  version: '0.1.0',
  description: 'QLoRA: NF4/FP4 frozen base projections (bitsandbytes-compatible) under LoRA adapters',
  setup: () => ({
    prepareModel(model, ctx) {
      const q = ctx.recipe.method.quantization;
      if (ctx.recipe.method.kind !== 'qlora' || !q) return;
      let params = 0;
      let bytes = 0;
      for (const m of model.modules()) {
        if (m.kind !== 'linear') continue;
        const slot = model.linear(m.path);
        if (!(slot.impl instanceof DenseLinear)) continue;
        const nf4 = quantizeDense(slot.impl, { quantType: q.type, blocksize: q.blocksize, compressStatistics: q.double_quant, dtype: q.compute_dtype });
        model.replaceLinear(m.path, nf4);
        params += m.inFeatures * m.outFeatures;
        bytes += quantizedBytes(nf4.quantized);
      }
      const note = q.compute_dtype === 'float32' ? '' : ` (compute_dtype ${q.compute_dtype} recorded; this engine computes in float32)`;
      ctx.log(`qlora: ${q.type}${q.double_quant ? ' + double quant' : ''}, blocksize ${q.blocksize}: ${params.toLocaleString('en-US')} base weights in ${(bytes / 2 ** 20).toFixed(2)} MiB (${(bytes / Math.max(1, params)).toFixed(3)} byte/param)${note}`);
    },
  }),
});

export { Nf4Linear };
