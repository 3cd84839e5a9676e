/**
 * `bitfit` — a method kind from outside tunekit: BitFit (Ben Zaken, Ravfogel & Goldberg, 2022,
 * "BitFit: Simple Parameter-efficient Fine-tuning for Transformer-based Masked Language-models")
 * trains only the bias terms — of every linear layer and every LayerNorm — and freezes the rest.
 *
 *   plugins: [{ use: ./examples/plugins/bitfit/index.ts }]   # or `use: <package>/bitfit`
 *   method:
 *     kind: bitfit
 *     bitfit: { only: ['attn\.c_attn\.bias', 'mlp\.c_fc\.bias'] }   # optional: a subset of the biases
 *   output: { export: [bias_delta, full] }
 *
 * Exports: `bias_delta` (the default) writes `bias_delta/bias_delta.safetensors`, trained − base for
 * each trained bias, with `bitfit_config.json`; `full` writes the whole model as an HF folder.
 *
 * This entry module is TensorFlow-free (`tune validate` and `tune plan` read it); the tensor side is
 * in runtime.ts, loaded when a run starts.
 */
import { type Diagnostic, type ModelPlacement, type PlanModelContext, type RecipeCheckContext, type ResolvedRecipe, type SchemaNode, defineCodes, definePlugin, diag, lazyHooks } from 'tunekit/plugin';
import { settingsOf } from './settings.js';

export const codes = defineCodes({
  BITFIT_NO_BIASES: { summary: 'the model has no bias parameters for BitFit to train' },
  BITFIT_ONLY_MATCHES_NOTHING: { summary: 'a `method.bitfit.only` pattern matches no bias of the model' },
});

/** `method.bitfit`. */
export const BITFIT_SETTINGS: SchemaNode = {
  description: 'BitFit settings: which bias terms train (all of them by default).',
  type: 'object',
  additionalProperties: false,
  properties: {
    only: {
      description: 'Train only the biases whose HF parameter name one of these regular expressions finds (searched, not anchored). Empty: every bias (linear layers and LayerNorms).',
      type: 'array',
      items: { type: 'string', minLength: 1 },
      default: [],
      examples: [['attn\\.c_attn\\.bias', 'mlp\\.c_fc\\.bias']],
    },
  },
  default: {},
  examples: [{ only: ['attn\\.c_attn\\.bias'] }],
};

const isBias = (name: string): boolean => name.endsWith('.bias');

/** `only` entries must compile (positions point at the entry). */
function checkBitfit(recipe: ResolvedRecipe, ctx: RecipeCheckContext): Diagnostic[] {
  if (recipe.method.kind !== 'bitfit') return [];
  const out: Diagnostic[] = [];
  settingsOf(recipe).only.forEach((src, i) => {
    try {
      new RegExp(src, 'u');
    } catch (e) {
      out.push(ctx.report(diag('RECIPE_REGEX', `invalid regular expression: ${(e as Error).message.replace(/^Invalid regular expression: /, '')}`), `/method/bitfit/only/${i}`));
    }
  });
  return out;
}

/** The biases that train: every `.bias` tensor, or those an `only` pattern finds. */
export function trainedBiases(names: readonly string[], only: readonly string[]): string[] {
  const patterns = only.map((s) => new RegExp(s, 'u'));
  return names.filter((n) => isBias(n) && (patterns.length === 0 || patterns.some((re) => re.test(n))));
}

/** `planModel`: BitFit's placement, TensorFlow-free — only biases train; the modules that own them are `bitfit`. */
export function planBitfit(p: ModelPlacement, ctx: PlanModelContext): ModelPlacement | void {
  if (ctx.recipe.method.kind !== 'bitfit') return;
  const { only } = settingsOf(ctx.recipe);
  const names = p.tensors.map((t) => t.name);
  if (!names.some(isBias)) {
    ctx.report(codes.diag('BITFIT_NO_BIASES', `${ctx.catalog.modelType} has no bias parameters: BitFit would train nothing`, { ...ctx.at('/method/kind'), hint: 'BitFit needs a model with biases (GPT-2, BLOOM, Qwen2 attention, MPT with no_bias: false); use lora here' }));
    return p;
  }
  only.forEach((src, i) => {
    if (trainedBiases(names, [src]).length === 0) {
      ctx.report(codes.diag('BITFIT_ONLY_MATCHES_NOTHING', `\`${src}\` matches no bias of the model`, { ...ctx.at(`/method/bitfit/only/${i}`), hint: `bias names look like ${names.find(isBias)}` }));
    }
  });
  const train = new Set(trainedBiases(names, only));
  for (const t of p.tensors) t.trainable = train.has(t.name);
  const owners = new Set(p.tensors.filter((t) => t.trainable).map((t) => t.module));
  for (const m of p.modules) {
    if (!owners.has(m.path)) continue;
    m.placement = 'bitfit';
    m.label = 'bias trains';
  }
  const count = p.tensors.filter((t) => t.trainable).reduce((n, t) => n + t.numel, 0);
  p.summary.push(`BitFit: ${train.size} bias tensors (${count.toLocaleString('en-US')} parameters) train${only.length ? ` — only ${only.map((s) => `/${s}/`).join(', ')}` : ''}; every weight is frozen`);
  p.details['bitfit'] = { only, tensors: [...train] };
  return p;
}

export default definePlugin({
  name: 'bitfit',
  version: '0.1.0',
  description: 'BitFit: fine-tune only the bias terms; exports a bias delta or a full HF folder',
  codes: codes.catalog,
  recipe: {
    methods: [
      {
        name: 'bitfit',
        description: 'BitFit: only the bias terms train (Ben Zaken et al., 2022)',
        keys: { bitfit: { schema: BITFIT_SETTINGS, notAllowedHint: 'remove the `bitfit` block, or set `method.kind: bitfit`' } },
        exports: { allowed: ['bias_delta', 'full'], default: ['bias_delta'] },
        example: { kind: 'bitfit' },
        starter: () => ({ lines: ['  bitfit:', '    only: []                 # empty: every bias; or regexes of bias names'], lr: '1.0e-3' }),
      },
    ],
    exportKinds: [{ name: 'bias_delta', description: 'the trained biases minus the base ones (bias_delta.safetensors, bitfit_config.json)' }],
    check: checkBitfit,
  },
  setup: () => ({ planModel: planBitfit, ...lazyHooks(async () => (await import('./runtime.js')).bitfitHooks(), ['prepareModel', 'exportOutputs']) }),
});
