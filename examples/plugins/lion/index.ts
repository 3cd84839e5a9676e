/**
 * `lion` — an optimizer from outside tunekit: Lion (Chen et al., 2023), the sign of an interpolated
 * momentum as the update (lion.ts has the rule). It takes the optimizer block's `lr` and
 * `weight_decay` and Adam's `betas` key, with Lion's defaults (0.9, 0.99).
 *
 *   plugins: [{ use: ./examples/plugins/lion/index.ts }]
 *   optimizer: { name: lion, lr: 3.0e-5, weight_decay: 0.1, betas: [0.9, 0.99] }
 */
import { definePlugin } from 'tunekit/plugin';

/** Lion's defaults (the paper's, and lion-pytorch's). */
export const LION_BETAS = [0.9, 0.99] as const;

export default definePlugin({
  name: 'lion',
  version: '0.1.0',
  description: 'Lion: the sign of an interpolated momentum (Chen et al., 2023); one state tensor per parameter',
  recipe: {
    optimizers: [
      {
        name: 'lion',
        description: 'Lion (Chen et al., 2023): sign(β₁·m + (1 − β₁)·g) steps, decoupled weight decay',
        uses: ['betas'],
        defaults: { betas: [...LION_BETAS] },
        // One float32 moment per trainable parameter.
        stateBytes: (_settings, counts) => ({ bytes: 4 * counts.trainable, host: false }),
        example: { name: 'lion', lr: 3e-5, weight_decay: 0.1 },
      },
    ],
  },
  setup: () => ({
    planModel(_placement, ctx) {
      if (ctx.recipe.optimizer.name !== 'lion') return;
      ctx.note('lion: every update has the size of the learning rate in each coordinate — the paper uses an lr 3–10× smaller and a weight decay 3–10× larger than AdamW’s');
    },
    async createOptimizer({ recipe }) {
      if (recipe.optimizer.name !== 'lion') return null;
      const { Lion } = await import('./lion.js');
      return new Lion({ betas: recipe.optimizer['betas'] as [number, number] });
    },
  }),
});
