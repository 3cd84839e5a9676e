/**
 * The `full` method plugin: every parameter trains except those matching `method.freeze` (regular
 * expressions searched in the HF parameter name); exports a complete HF model folder.
 */
import { type Diagnostic, type RecipeCheckContext, type ResolvedRecipe, definePlugin, diag, lazyHooks } from '../../src/plugin-api.js';
import { codes } from './codes.js';
import { planFull } from './plan.js';
import { FREEZE } from './schema.js';

/** `method.freeze` entries are regexes: each must compile. */
function checkFreeze(recipe: ResolvedRecipe, ctx: RecipeCheckContext): Diagnostic[] {
  const freeze = (recipe.method['freeze'] as string[] | undefined) ?? [];
  const out: Diagnostic[] = [];
  freeze.forEach((src, i) => {
    try {
      new RegExp(src);
    } catch (e) {
      out.push(ctx.report(diag('RECIPE_REGEX', `invalid regular expression: ${(e as Error).message.replace(/^Invalid regular expression: /, '')}`), `/method/freeze/${i}`));
    }
  });
  return out;
}

export default definePlugin({
  name: 'full',
  version: '0.1.0',
  description: 'Full fine-tuning (optionally freezing parameters by pattern); exports an HF model folder',
  codes: codes.catalog,
  recipe: {
    methods: [
      {
        name: 'full',
        description: 'every parameter trains, except those `freeze` matches',
        keys: { freeze: { schema: FREEZE, notAllowedHint: 'adapters already freeze the base model; remove `freeze`' } },
        exports: { allowed: ['full'], default: ['full'], message: 'a full fine-tune has no adapter: `output.export` can only contain `full`', hint: 'use `export: [full]`' },
        example: { kind: 'full', freeze: ['model\\.embed_tokens\\.weight'] },
        starter: () => ({ lines: [], lr: '2.0e-5' }),
      },
    ],
    check: checkFreeze,
  },
  setup: () => ({ planModel: planFull, ...lazyHooks(async () => (await import('./runtime.js')).fullHooks(), ['prepareModel', 'exportOutputs']) }),
});
