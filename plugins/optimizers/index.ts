/**
 * Built-in optimizers: torch-exact AdamW and SGD (with momentum / Nesterov), and bitsandbytes'
 * 8-bit AdamW (`adamw_8bit`; `paged_adamw_8bit` is the same algorithm — paging GPU memory to the
 * host has no meaning on CPU engines).
 */
import { type Diagnostic, type OptimizerSpec, type RecipeCheckContext, type ResolvedRecipe, definePlugin, diag, lazyHooks } from '../../src/plugin-api.js';
import { BETAS, EPS, MOMENTUM, NESTEROV } from './schema.js';

const F32 = 4;
const adamState: OptimizerSpec['stateBytes'] = (_s, c) => ({ bytes: 2 * F32 * c.trainable, host: false });
/** bitsandbytes keeps 32-bit state for tensors under 4096 elements, uint8 codes + an absmax per 256 above. */
const adam8bitState: OptimizerSpec['stateBytes'] = (_s, c) => {
  const large = Math.min(c.trainableInLargeTensors, c.trainable);
  return { bytes: large * (2 + (2 * F32) / 256) + (c.trainable - large) * 2 * F32, host: true };
};
const adamKeys = ['betas', 'eps'] as const;

/** SGD: Nesterov needs momentum. */
function checkSgd(recipe: ResolvedRecipe, ctx: RecipeCheckContext): Diagnostic[] {
  const o = recipe.optimizer;
  if (o.name !== 'sgd' || !o['nesterov'] || o['momentum'] !== 0) return [];
  return [ctx.report(diag('RECIPE_NESTEROV_MOMENTUM', 'Nesterov momentum needs `optimizer.momentum` > 0'), '/optimizer/nesterov', 'key')];
}

export default definePlugin({
  name: 'optimizers',
  version: '0.1.0',
  description: 'AdamW and SGD with torch.optim semantics; bitsandbytes 8-bit AdamW',
  recipe: {
    optimizers: [
      {
        name: 'adamw',
        description: 'torch.optim.AdamW, step for step',
        keys: { betas: { schema: BETAS }, eps: { schema: EPS } },
        stateBytes: adamState,
        example: { name: 'adamw', lr: 0.0002, weight_decay: 0.01 },
      },
      {
        name: 'adamw_8bit',
        description: 'bitsandbytes AdamW8bit: blockwise 8-bit moments (kept on the host)',
        uses: adamKeys,
        stateBytes: adam8bitState,
      },
      {
        name: 'paged_adamw_8bit',
        description: 'bitsandbytes PagedAdamW8bit: the same algorithm as adamw_8bit (paging has no meaning on CPU engines)',
        uses: adamKeys,
        stateBytes: adam8bitState,
      },
      {
        name: 'sgd',
        description: 'torch.optim.SGD, with momentum and Nesterov',
        keys: {
          momentum: { schema: MOMENTUM },
          nesterov: { schema: NESTEROV },
        },
        stateBytes: (s, c) => ({ bytes: Number(s['momentum'] ?? 0) > 0 ? F32 * c.trainable : 0, host: false }),
      },
    ],
    aliases: {
      adam_beta1: { to: 'optimizer.betas', note: 'write `betas: [beta1, beta2]`' },
      adam_beta2: { to: 'optimizer.betas', note: 'write `betas: [beta1, beta2]`' },
      adam_epsilon: { to: 'optimizer.eps' },
    },
    check: checkSgd,
  },
  setup: () => ({
    planModel(_placement, ctx) {
      const name = ctx.recipe.optimizer.name;
      if (name === 'paged_adamw_8bit') ctx.note('paged_adamw_8bit: paging moves optimizer states between GPU and CPU memory; on these CPU engines it has no meaning — same algorithm as adamw_8bit');
      if (name === 'adamw_8bit' || name === 'paged_adamw_8bit') ctx.note('8-bit AdamW: states are uint8 codes + float32 absmax per 256 on the host; tensors under 4096 elements keep float32 state');
    },
    ...lazyHooks(async () => (await import('./runtime.js')).optimizerHooks(), ['createOptimizer']),
  }),
});
