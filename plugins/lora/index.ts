/**
 * The `lora` method plugin: LoRA adapters with PEFT's semantics on the recipe's target modules,
 * optionally continued from an existing adapter (`init_from`); every checkpoint is also a PEFT
 * adapter folder; exports `adapter` (PEFT folder) and `merged` (HF model folder). This module is
 * TensorFlow-free (validate and plan read it); the tensor work is in runtime.ts, loaded on first use.
 */
import { type ArchFacts, definePlugin, lazyHooks } from '../../src/plugin-api.js';
import { checkLora } from './check.js';
import { codes } from './codes.js';
import { planLora } from './plan.js';
import { LORA_SETTINGS } from './schema.js';
import { defaultTargets } from './targets.js';

/** The starter recipe's `lora:` block (`tune init`); targets from the model's architecture when known. */
export function loraStarterLines(arch?: ArchFacts): string[] {
  const targets = arch ? defaultTargets(arch.modelType) : ['q_proj', 'k_proj', 'v_proj', 'o_proj'];
  return ['  lora:', '    r: 16', '    alpha: 32               # scaling = alpha / r', '    dropout: 0.05', `    target_modules: [${targets.join(', ')}]   # or all-linear, or a regex`];
}

export default definePlugin({
  name: 'lora',
  version: '0.1.0',
  description: 'LoRA adapters with PEFT semantics; PEFT adapter and merged-model exports',
  codes: codes.catalog,
  recipe: {
    methods: [
      {
        name: 'lora',
        description: 'low-rank adapters on the target modules (PEFT LoRA); the base stays frozen',
        keys: { lora: { schema: LORA_SETTINGS, notAllowedHint: 'remove the `lora` block, or set `method.kind: lora`' } },
        exports: { allowed: ['adapter', 'merged', 'full'], default: ['adapter'] },
        example: { kind: 'lora', lora: { r: 8, alpha: 16 } },
        starter: ({ arch }) => ({ lines: loraStarterLines(arch), lr: '2.0e-4' }),
      },
    ],
    exportKinds: [
      { name: 'adapter', description: 'a PEFT adapter folder, adapter_config.json and adapter_model.safetensors' },
      { name: 'merged', description: 'an HF model folder with the adapter merged into the base weights' },
    ],
    aliases: {
      adapter: { to: 'method.kind', note: 'write `method.kind: lora` or `qlora`' },
      lora_r: { to: 'method.lora.r' },
      rank: { to: 'method.lora.r' },
      lora_alpha: { to: 'method.lora.alpha' },
      lora_dropout: { to: 'method.lora.dropout' },
      lora_target_modules: { to: 'method.lora.target_modules' },
      target_modules: { to: 'method.lora.target_modules' },
      lora_target_linear: { to: 'method.lora.target_modules', note: 'write `target_modules: all-linear`' },
      lora_modules_to_save: { to: 'method.lora.modules_to_save' },
      modules_to_save: { to: 'method.lora.modules_to_save' },
      use_rslora: { to: 'method.lora.rslora' },
      lora_model_dir: { to: 'method.lora.init_from' },
    },
    check: checkLora,
  },
  setup: () => ({ planModel: planLora, ...lazyHooks(async () => (await import('./runtime.js')).loraHooks(), ['prepareModel', 'checkpointFiles', 'exportOutputs']) }),
});
