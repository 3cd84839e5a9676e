/**
 * Built-in optimizers: torch-exact AdamW and SGD (with momentum / Nesterov), and bitsandbytes'
 * 8-bit AdamW (`adamw_8bit`; `paged_adamw_8bit` is the same algorithm — paging GPU memory to the
 * host has no meaning on CPU engines).
 */
import { definePlugin } from '../../src/plugin-host/index.js';
import { AdamW } from '../../src/train/optim/adamw.js';
import { SGD } from '../../src/train/optim/sgd.js';
import { AdamW8bit } from '../../src/train/optim/adamw-8bit.js';

export default definePlugin({
  name: 'optimizers',
  version: '0.1.0',
  description: 'AdamW and SGD with torch.optim semantics; bitsandbytes 8-bit AdamW',
  setup: () => ({
    createOptimizer({ recipe }) {
      const o = recipe.optimizer;
      if (o.name === 'adamw') return new AdamW({ betas: o.betas, eps: o.eps });
      if (o.name === 'sgd') return new SGD({ momentum: o.momentum, nesterov: o.nesterov });
      if (o.name === 'adamw_8bit' || o.name === 'paged_adamw_8bit') return new AdamW8bit({ betas: o.betas, eps: o.eps, name: o.name });
      return null;
    },
  }),
});
