/** The full fine-tuning plugin's tensor side: trainability by `freeze`, the HF folder export. */
import { type HostTensor, type TunePluginHooks, saveHfFolder } from '../../src/index.js';
import { codes } from './codes.js';

export function fullHooks(): Pick<TunePluginHooks, 'prepareModel' | 'exportOutputs'> {
  let active = false;
  return {
    prepareModel(model, ctx) {
      if (ctx.recipe.method.kind !== 'full') return;
      active = true;
      const freeze = (ctx.recipe.method['freeze'] as string[] | undefined) ?? [];
      const patterns = freeze.map((p) => new RegExp(p, 'u'));
      let frozen = 0;
      for (const [name, p] of model.namedParameters()) {
        const off = patterns.some((re) => re.test(name));
        p.setTrainable(!off);
        if (off) frozen++;
      }
      if (patterns.length && frozen === 0) {
        throw codes.error('FULL_FREEZE_MATCHES_NOTHING', `method.freeze ${JSON.stringify(freeze)} matches no parameter`, {
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
}
