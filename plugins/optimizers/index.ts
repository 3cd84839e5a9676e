/** Built-in optimizers: torch-exact AdamW and SGD (with momentum / Nesterov). */
import { definePlugin } from '../../src/plugin/index.js';
import { AdamW } from '../../src/train/optim/adamw.js';
import { SGD } from '../../src/train/optim/sgd.js';

export default definePlugin({
  name: 'optimizers',
  version: '0.1.0',
  description: 'AdamW and SGD with torch.optim semantics',
  setup: () => ({
    createOptimizer({ recipe }) {
      const o = recipe.optimizer;
      if (o.name === 'adamw') return new AdamW({ betas: o.betas, eps: o.eps });
      if (o.name === 'sgd') return new SGD({ momentum: o.momentum, nesterov: o.nesterov });
      return null;
    },
  }),
});
