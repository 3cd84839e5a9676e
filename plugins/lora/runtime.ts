/**
 * The LoRA plugin's tensor side: wraps the target modules with adapters (PEFT semantics), continues
 * from an existing adapter (`init_from`), adds a loadable PEFT adapter to every checkpoint, and
 * exports `adapter` (PEFT folder) and `merged` (HF model folder) outputs.
 */
import { join } from 'node:path';
import {
  type CausalLM,
  type HostTensor,
  type LoraAdapterConfig,
  type ResolvedRecipe,
  type TunePluginHooks,
  adapterConfigJson,
  readLoraAdapter,
  saveHfFolder,
  saveLoraAdapter,
  serializeSafetensors,
} from '../../src/index.js';
import { codes } from './codes.js';
import type { LoraSettings } from './settings.generated.js';
import type { LoraPlan } from './plan.js';
import { defaultTargets } from './targets.js';
import { applyLora, type LoraHandle } from './apply.js';
import { assertMergeableTied, mergeLora } from './merge.js';

/** adapter_config.json fields for an adapter trained by this recipe. */
export function adapterConfigFor(recipe: ResolvedRecipe, lora: LoraSettings, handle: LoraHandle, model: CausalLM): Partial<LoraAdapterConfig> {
  return {
    baseModelNameOrPath: recipe.model.base,
    revision: recipe.model.base_kind === 'hub' && recipe.model.revision !== 'main' ? recipe.model.revision : null,
    r: lora.r,
    loraAlpha: lora.alpha,
    loraDropout: lora.dropout,
    targetModules: handle.targetModulesForConfig,
    // PEFT forces fan_in_fan_out on for Conv1D targets (writing it back into the config); embeddings and heads have no say.
    fanInFanOut: model.modules().some((m) => handle.targets.includes(m.path) && m.layout === 'conv1d'),
    bias: lora.bias,
    useRslora: lora.rslora,
    modulesToSave: lora.modules_to_save.length ? lora.modules_to_save : null,
    initLoraWeights: lora.init === 'gaussian' ? 'gaussian' : true,
  };
}

async function hostParams(model: CausalLM): Promise<Map<string, HostTensor>> {
  const out = new Map<string, HostTensor>();
  for (const [name, p] of model.namedParameters()) out.set(name, { dtype: 'F32', shape: p.shape.slice(), data: await p.data() });
  return out;
}

/** The LoRA hooks that touch tensors (index.ts loads this module on first use). */
export function loraHooks(): Pick<TunePluginHooks, 'prepareModel' | 'checkpointFiles' | 'exportOutputs'> {
  let handle: LoraHandle | null = null;
  let lora: LoraSettings | null = null;
  return {
    async prepareModel(model, ctx) {
      const settings = ctx.recipe.method['lora'] as LoraSettings | undefined;
      if (!settings) return;
      lora = settings;
      const targets = lora.target_modules ?? [...defaultTargets(model.config.modelType)];
      const planned = ctx.plan.method.details['lora'] as LoraPlan | undefined;
      handle = applyLora(model, {
        r: lora.r,
        alpha: lora.alpha,
        dropout: lora.dropout,
        rslora: lora.rslora,
        targetModules: targets,
        ...(planned ? { paths: planned.paths } : {}),
        excludeModules: lora.exclude_modules,
        bias: lora.bias,
        modulesToSave: lora.modules_to_save,
        init: lora.init,
        seed: ctx.recipe.training.seed,
        dropoutSeed: (path) => ctx.seeds.seedFor(path),
        isTraining: () => ctx.training.on,
      });
      // Fail before training, not at export, when the requested merged model cannot be built.
      if (ctx.recipe.output.export.some((k) => k === 'merged' || k === 'full')) assertMergeableTied(model, handle.targets);
      if (lora.init_from) {
        const adapter = await readLoraAdapter(lora.init_from);
        if (adapter.config.r !== lora.r) {
          throw codes.error('LORA_ADAPTER_MISMATCH', `init_from adapter has r=${adapter.config.r} but the recipe asks for r=${lora.r}`, {
            file: join(lora.init_from, 'adapter_config.json'),
            expected: String(lora.r),
            found: String(adapter.config.r),
            hint: 'set method.lora.r to the adapter’s r to continue training it',
          });
        }
        handle.loadAdapterTensors(adapter.tensors, join(lora.init_from, 'adapter_model.safetensors'));
        ctx.log(`lora: continuing from adapter ${lora.init_from}`);
      }
      ctx.log(`lora: r=${lora.r} alpha=${lora.alpha}${lora.rslora ? ' (rsLoRA)' : ''} on ${handle.targets.length} modules`);
    },
    async checkpointFiles(files, ctx) {
      if (!handle || !lora) return;
      // A LoRA checkpoint is also a PEFT adapter folder (as HF Trainer's checkpoints are).
      files.set('adapter_config.json', adapterConfigJson(adapterConfigFor(ctx.recipe, lora, handle, ctxModel(ctx))));
      files.set('adapter_model.safetensors', serializeSafetensors(await handle.adapterTensors()));
    },
    async exportOutputs(ctx) {
      if (!handle || !lora) return;
      const adapterDir = ctx.targets.adapter;
      if (adapterDir) {
        await saveLoraAdapter(adapterDir, { config: adapterConfigFor(ctx.recipe, lora, handle, ctx.model), tensors: await handle.adapterTensors() });
        ctx.written.set('adapter', adapterDir);
      }
      const mergedDir = ctx.targets.merged ?? ctx.targets.full;
      if (mergedDir) {
        mergeLora(ctx.model, handle);
        await saveHfFolder(mergedDir, { config: ctx.modelConfig, tensors: await hostParams(ctx.model), ...(ctx.tokenizerDir ? { tokenizerFrom: ctx.tokenizerDir } : {}) });
        ctx.written.set('merged', mergedDir);
      }
    },
  };
}

/** The model a checkpoint is taken of; the run registers it on the context. */
function ctxModel(ctx: { model?: CausalLM }): CausalLM {
  if (!ctx.model) throw new Error('internal: checkpoint context without a model');
  return ctx.model;
}
