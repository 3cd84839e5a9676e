/**
 * Reading an HF folder's weights and mapping them to the catalog's names: single file or sharded
 * (`model.safetensors.index.json`), `transformer.`/`model.` prefix added or stripped as HF's
 * `base_model_prefix` logic does, known buffers ignored, an explicit tied `lm_head.weight` tolerated.
 */
import type { HostTensor } from '../io/safetensors/index.js';
import { loadWeights } from '../io/safetensors/index.js';
import type { ModelCatalog } from './types.js';

/** All tensors of the folder's checkpoint (single file or shards), keyed as stored. */
export async function readHfWeights(dir: string): Promise<Map<string, HostTensor>> {
  return loadWeights(dir);
}

export interface NormalizedWeights {
  weights: Map<string, HostTensor>;
  /** Checkpoint keys that are neither parameters nor known buffers (HF would warn about them). */
  unexpected: string[];
}

/** Rename checkpoint keys to catalog names (prefix handling) and drop buffers. */
export function normalizeWeightNames(raw: ReadonlyMap<string, HostTensor>, catalog: ModelCatalog): NormalizedWeights {
  const weights = new Map<string, HostTensor>();
  const used = new Set<string>();
  const prefix = catalog.basePrefix;
  for (const spec of catalog.parameters) {
    const candidates = [spec.name];
    if (spec.name.startsWith(prefix)) candidates.push(spec.name.slice(prefix.length));
    else candidates.push(prefix + spec.name);
    for (const c of candidates) {
      const t = raw.get(c);
      if (t) {
        weights.set(spec.name, t);
        used.add(c);
        break;
      }
    }
  }
  const tiedHead = catalog.modules.some((m) => m.kind === 'lm_head' && m.tiedTo !== undefined);
  const unexpected = [...raw.keys()].filter((k) => !used.has(k) && !catalog.ignoredKeys.some((re) => re.test(k)) && !(tiedHead && k === 'lm_head.weight'));
  return { weights, unexpected };
}
