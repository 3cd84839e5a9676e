/**
 * BitFit's tensor side. The plan already made exactly the biases trainable (the host applies the
 * plan's trainability after `prepareModel`); here the base values of those biases are kept — before
 * a resumed run restores its checkpoint — so the `bias_delta` export can subtract them.
 */
import { join } from 'node:path';
import { type HostTensor, type TunePluginHooks, saveHfFolder, saveSafetensors, writeDirAtomic, writeFileAtomic } from 'tunekit';
import { settingsOf } from './settings.js';

export function bitfitHooks(): Pick<TunePluginHooks, 'prepareModel' | 'exportOutputs'> {
  let base: Map<string, Float32Array> | null = null;
  let only: string[] = [];
  return {
    async prepareModel(model, ctx) {
      if (ctx.recipe.method.kind !== 'bitfit') return;
      only = settingsOf(ctx.recipe).only;
      const trained = new Set(ctx.plan.tensors.filter((t) => t.trainable).map((t) => t.name));
      base = new Map();
      for (const [name, p] of model.namedParameters()) if (trained.has(name)) base.set(name, (await p.data()).slice());
      ctx.log(`bitfit: ${base.size} bias tensors train; every other parameter is frozen`);
    },
    async exportOutputs(ctx) {
      if (!base) return;
      const params = new Map(ctx.model.namedParameters());
      const full = ctx.targets['full'];
      if (full) {
        const tensors = new Map<string, HostTensor>();
        for (const [name, p] of params) tensors.set(name, { dtype: 'F32', shape: p.shape.slice(), data: await p.data() });
        await saveHfFolder(full, { config: ctx.modelConfig, tensors, ...(ctx.tokenizerDir ? { tokenizerFrom: ctx.tokenizerDir } : {}) });
        ctx.written.set('full', full);
      }
      const dir = ctx.targets['bias_delta'];
      if (dir) {
        const delta = new Map<string, HostTensor>();
        for (const [name, b0] of base) {
          const p = params.get(name)!;
          const now = await p.data();
          const d = new Float32Array(now.length);
          for (let i = 0; i < d.length; i++) d[i] = now[i]! - b0[i]!;
          delta.set(name, { dtype: 'F32', shape: p.shape.slice(), data: d });
        }
        const config = { method: 'bitfit', base_model_name_or_path: ctx.recipe.model.base, only, tensors: [...delta.keys()], apply: 'weight = base weight + delta, for each tensor in bias_delta.safetensors' };
        await writeDirAtomic(dir, async (tmp) => {
          await saveSafetensors(join(tmp, 'bias_delta.safetensors'), delta, { format: 'pt' });
          await writeFileAtomic(join(tmp, 'bitfit_config.json'), `${JSON.stringify(config, null, 2)}\n`);
        });
        ctx.written.set('bias_delta', dir);
      }
    },
  };
}
