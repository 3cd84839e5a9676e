/** The QLoRA plugin's tensor side: quantize every dense projection to 4 bits before LoRA wraps it. */
import { DenseLinear, type TunePluginHooks, quantizeDense, quantizedBytes } from '../../src/index.js';
import type { QuantizationSettings } from './settings.generated.js';

export function qloraHooks(): Pick<TunePluginHooks, 'prepareModel'> {
  return {
    prepareModel(model, ctx) {
      const q = ctx.recipe.method['quantization'] as QuantizationSettings | undefined;
      if (!q) return;
      let params = 0;
      let bytes = 0;
      // Exactly the projections the plan stores in 4 bits (not those in modules_to_save).
      const planned = new Set(ctx.plan.tensors.filter((t) => t.storage !== null).map((t) => t.module));
      for (const m of model.modules()) {
        if (m.kind !== 'linear' || !planned.has(m.path)) continue;
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
  };
}
