/** GPT-2 module and parameter catalogue from a config (HF GPT2LMHeadModel names; TensorFlow-free). */
import type { ModelCatalog, ModuleInfo, ParamSpec } from '../types.js';
import type { Gpt2Config } from './config.js';

/** Modules and parameters of GPT2LMHeadModel (Conv1D `[in, out]` projections, tied head unless untied). */
export function gpt2Catalog(c: Gpt2Config): ModelCatalog {
  const d = c.nEmbd;
  const std = c.initializerRange;
  // HF scales every `c_proj.weight` by 1/sqrt(2·n_layer) (GPT-2 paper, residual projections).
  const projStd = std / Math.sqrt(2 * c.nLayer);
  const modules: ModuleInfo[] = [{ path: 'transformer.wte', kind: 'embedding', inFeatures: c.vocabSize, outFeatures: d, bias: false }];
  modules.push({ path: 'transformer.wpe', kind: 'embedding', inFeatures: c.nPositions, outFeatures: d, bias: false });
  const params: ParamSpec[] = [
    { name: 'transformer.wte.weight', shape: [c.vocabSize, d], init: { kind: 'normal', std } },
    { name: 'transformer.wpe.weight', shape: [c.nPositions, d], init: { kind: 'normal', std } },
  ];
  const norm = (path: string): void => {
    modules.push({ path, kind: 'norm', inFeatures: d, outFeatures: d, bias: true });
    params.push({ name: `${path}.weight`, shape: [d], init: { kind: 'ones' } }, { name: `${path}.bias`, shape: [d], init: { kind: 'zeros' } });
  };
  const conv = (path: string, nIn: number, nOut: number, s: number): void => {
    modules.push({ path, kind: 'linear', inFeatures: nIn, outFeatures: nOut, layout: 'conv1d', bias: true });
    params.push({ name: `${path}.weight`, shape: [nIn, nOut], init: { kind: 'normal', std: s } }, { name: `${path}.bias`, shape: [nOut], init: { kind: 'zeros' } });
  };
  for (let i = 0; i < c.nLayer; i++) {
    const p = `transformer.h.${i}`;
    norm(`${p}.ln_1`);
    conv(`${p}.attn.c_attn`, d, 3 * d, std);
    conv(`${p}.attn.c_proj`, d, d, projStd);
    norm(`${p}.ln_2`);
    conv(`${p}.mlp.c_fc`, d, c.nInner, std);
    conv(`${p}.mlp.c_proj`, c.nInner, d, projStd);
  }
  norm('transformer.ln_f');
  if (c.tieWordEmbeddings) {
    modules.push({ path: 'lm_head', kind: 'lm_head', inFeatures: d, outFeatures: c.vocabSize, layout: 'linear', bias: false, tiedTo: 'transformer.wte' });
  } else {
    modules.push({ path: 'lm_head', kind: 'lm_head', inFeatures: d, outFeatures: c.vocabSize, layout: 'linear', bias: false });
    params.push({ name: 'lm_head.weight', shape: [c.vocabSize, d], init: { kind: 'normal', std } });
  }
  return {
    modelType: 'gpt2',
    modules,
    parameters: params,
    ignoredKeys: [/\.attn\.(bias|masked_bias)$/],
    basePrefix: 'transformer.',
  };
}
