/**
 * Random initialisation from a config, HF `_init_weights` style: normal(0, initializer_range) for
 * linears and embeddings (GPT-2's c_proj scaled by 1/√(2·n_layer); Llama's padding row zeroed),
 * zero biases, unit norm weights. Seeded with tunekit's own PRNG, so a seed gives the same weights
 * everywhere.
 */
import type { HostTensor } from '../io/safetensors/index.js';
import { Rng } from './prng.js';
import type { ModelCatalog } from './types.js';

/** Fresh weights for every parameter of a catalog, keyed by HF name. */
export function randomWeights(catalog: ModelCatalog, seed: number): Map<string, HostTensor> {
  const rng = new Rng(seed);
  const out = new Map<string, HostTensor>();
  for (const spec of catalog.parameters) {
    const n = spec.shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(n);
    const init = spec.init;
    if (init.kind === 'ones') data.fill(1);
    else if (init.kind === 'normal') {
      rng.fillNormal(data, init.std);
      if (init.zeroRow !== undefined) {
        const width = spec.shape[1] ?? 1;
        data.fill(0, init.zeroRow * width, (init.zeroRow + 1) * width);
      }
    }
    out.set(spec.name, { dtype: 'F32', shape: [...spec.shape], data });
  }
  return out;
}
