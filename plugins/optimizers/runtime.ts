/** The optimizers plugin's tensor side: the optimizer objects. */
import { AdamW, AdamW8bit, SGD, type TunePluginHooks } from '../../src/index.js';

export function optimizerHooks(): Pick<TunePluginHooks, 'createOptimizer'> {
  return {
    createOptimizer({ recipe }) {
      const o = recipe.optimizer;
      const betas = o['betas'] as [number, number];
      const eps = o['eps'] as number;
      if (o.name === 'adamw') return new AdamW({ betas, eps });
      if (o.name === 'sgd') return new SGD({ momentum: o['momentum'] as number, nesterov: o['nesterov'] as boolean });
      if (o.name === 'adamw_8bit' || o.name === 'paged_adamw_8bit') return new AdamW8bit({ betas, eps, name: o.name });
      return null;
    },
  };
}
