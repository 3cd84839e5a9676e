/** Llama/Mistral/Qwen2 module and parameter catalogue (HF LlamaForCausalLM names; TensorFlow-free). */
import type { ModelCatalog, ModuleInfo, ParamSpec } from '../types.js';
import type { LlamaConfig } from './config.js';

/** Modules and parameters of LlamaForCausalLM (nn.Linear `[out, in]`; the padding row of embed_tokens zero-initialised). */
export function llamaCatalog(c: LlamaConfig): ModelCatalog {
  const h = c.hiddenSize;
  const std = c.initializerRange;
  const modules: ModuleInfo[] = [{ path: 'model.embed_tokens', kind: 'embedding', inFeatures: c.vocabSize, outFeatures: h, bias: false }];
  const embInit = c.padTokenId !== null && c.padTokenId < c.vocabSize ? { kind: 'normal' as const, std, zeroRow: c.padTokenId } : { kind: 'normal' as const, std };
  const params: ParamSpec[] = [{ name: 'model.embed_tokens.weight', shape: [c.vocabSize, h], init: embInit }];
  const linear = (path: string, nIn: number, nOut: number, bias: boolean): void => {
    modules.push({ path, kind: 'linear', inFeatures: nIn, outFeatures: nOut, layout: 'linear', bias });
    params.push({ name: `${path}.weight`, shape: [nOut, nIn], init: { kind: 'normal', std } });
    if (bias) params.push({ name: `${path}.bias`, shape: [nOut], init: { kind: 'zeros' } });
  };
  const norm = (path: string): void => {
    modules.push({ path, kind: 'norm', inFeatures: h, outFeatures: h, bias: false });
    params.push({ name: `${path}.weight`, shape: [h], init: { kind: 'ones' } });
  };
  const qDim = c.numHeads * c.headDim;
  const kvDim = c.numKvHeads * c.headDim;
  for (let i = 0; i < c.numLayers; i++) {
    const p = `model.layers.${i}`;
    // HF module definition order: self_attn, mlp, input_layernorm, post_attention_layernorm.
    linear(`${p}.self_attn.q_proj`, h, qDim, c.qkvBias);
    linear(`${p}.self_attn.k_proj`, h, kvDim, c.qkvBias);
    linear(`${p}.self_attn.v_proj`, h, kvDim, c.qkvBias);
    linear(`${p}.self_attn.o_proj`, qDim, h, c.oBias);
    linear(`${p}.mlp.gate_proj`, h, c.intermediateSize, c.mlpBias);
    linear(`${p}.mlp.up_proj`, h, c.intermediateSize, c.mlpBias);
    linear(`${p}.mlp.down_proj`, c.intermediateSize, h, c.mlpBias);
    norm(`${p}.input_layernorm`);
    norm(`${p}.post_attention_layernorm`);
  }
  norm('model.norm');
  if (c.tieWordEmbeddings) {
    modules.push({ path: 'lm_head', kind: 'lm_head', inFeatures: h, outFeatures: c.vocabSize, layout: 'linear', bias: false, tiedTo: 'model.embed_tokens' });
  } else {
    modules.push({ path: 'lm_head', kind: 'lm_head', inFeatures: h, outFeatures: c.vocabSize, layout: 'linear', bias: false });
    params.push({ name: 'lm_head.weight', shape: [c.vocabSize, h], init: { kind: 'normal', std } });
  }
  return { modelType: c.modelType, modules, parameters: params, ignoredKeys: [/\.rotary_emb\.inv_freq$/], basePrefix: 'model.' };
}
