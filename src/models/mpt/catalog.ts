/** MPT module and parameter catalogue (HF MptForCausalLM names; TensorFlow-free). */
import type { ModelCatalog, ModuleInfo, ParamSpec } from '../types.js';
import type { MptConfig } from './config.js';

/** Modules and parameters of MptForCausalLM (no biases, MLP 4·d_model, tied head). */
export function mptCatalog(c: MptConfig): ModelCatalog {
  const d = c.dModel;
  const std = c.initializerRange;
  const modules: ModuleInfo[] = [{ path: 'transformer.wte', kind: 'embedding', inFeatures: c.vocabSize, outFeatures: d, bias: false }];
  const params: ParamSpec[] = [{ name: 'transformer.wte.weight', shape: [c.vocabSize, d], init: { kind: 'normal', std } }];
  const linear = (path: string, nIn: number, nOut: number): void => {
    modules.push({ path, kind: 'linear', inFeatures: nIn, outFeatures: nOut, layout: 'linear', bias: false });
    params.push({ name: `${path}.weight`, shape: [nOut, nIn], init: { kind: 'normal', std } });
  };
  const norm = (path: string): void => {
    modules.push({ path, kind: 'norm', inFeatures: d, outFeatures: d, bias: false });
    params.push({ name: `${path}.weight`, shape: [d], init: { kind: 'ones' } });
  };
  for (let i = 0; i < c.nLayers; i++) {
    const p = `transformer.blocks.${i}`;
    norm(`${p}.norm_1`);
    linear(`${p}.attn.Wqkv`, d, 3 * d);
    linear(`${p}.attn.out_proj`, d, d);
    norm(`${p}.norm_2`);
    // HF MptMLP hard-codes 4·d_model and ignores expansion_ratio.
    linear(`${p}.ffn.up_proj`, d, 4 * d);
    linear(`${p}.ffn.down_proj`, 4 * d, d);
  }
  norm('transformer.norm_f');
  modules.push({ path: 'lm_head', kind: 'lm_head', inFeatures: d, outFeatures: c.vocabSize, layout: 'linear', bias: false, tiedTo: 'transformer.wte' });
  return { modelType: 'mpt', modules, parameters: params, ignoredKeys: [], basePrefix: 'transformer.' };
}
