/**
 * The `full` method plugin: every parameter trains except those matching `method.freeze` (regular
 * expressions searched in the HF parameter name); exports a complete HF model folder.
 */
import { definePlugin } from '../../src/plugin-host/index.js';
import { fail } from '../../src/diagnostics/index.js';
import { saveHfFolder } from '../../src/io/hf/index.js';
import type { HostTensor } from '../../src/io/safetensors/index.js';

export default definePlugin({
  name: 'full',
  version: '0.1.0',
  description: 'Full fine-tuning (optionally freezing parameters by pattern); exports an HF model folder',
  setup: () => {
    let active = false;
    return {
      prepareModel(model, ctx) {
        if (ctx.recipe.method.kind !== 'full') return;
        active = true;
        const patterns = ctx.recipe.method.freeze.map((p) => new RegExp(p, 'u'));
        let frozen = 0;
        for (const [name, p] of model.namedParameters()) {
          const freeze = patterns.some((re) => re.test(name));
          p.setTrainable(!freeze);
          if (freeze) frozen++;
        }
        if (patterns.length && frozen === 0) {
          fail('FULL_FREEZE_MATCHES_NOTHING', `method.freeze ${JSON.stringify(ctx.recipe.method.freeze)} matches no parameter`, {
            hint: `parameter names look like ${model.namedParameters()[1]?.[0] ?? '?'}`,
          });
        }
        ctx.log(`full: ${model.namedParameters().length - frozen} parameter tensors train${frozen ? `, ${frozen} frozen` : ''}`);
      },
      async exportOutputs(ctx) {
        const dir = ctx.targets.full ?? ctx.targets.merged;
        if (!active || !dir) return;
        const tensors = new Map<string, HostTensor>();
        for (const [name, p] of ctx.model.namedParameters()) tensors.set(name, { dtype: 'F32', shape: p.shape.slice(), data: await p.data() });
        await saveHfFolder(dir, { config: ctx.modelConfig, tensors, ...(ctx.tokenizerDir ? { tokenizerFrom: ctx.tokenizerDir } : {}) });
        ctx.written.set('full', dir);
      },
    };
  },
});
