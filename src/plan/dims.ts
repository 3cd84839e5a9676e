import type { ModelConfig } from '../models/catalog.js';

/** The sizes a memory estimate needs, whatever an architecture calls them. */
export interface ModelDims {
  layers: number;
  hidden: number;
  heads: number;
  kvHeads: number;
  headDim: number;
  intermediate: number;
  vocab: number;
  /**
   * Wide [tokens, intermediate] tensors the MLP keeps for backward: 2 for a plain MLP (the up
   * projection's output and the activation's), 4 for a gated one (gate, up, act(gate), product).
   */
  mlpWideTensors: 2 | 4;
  /**
   * Elements per token and layer the rotary embedding keeps for backward beyond q and k: the
   * rotated-half copy and the rotated result of each, 2·(H + K)·hd; 0 without RoPE (GPT-2, MPT
   * with ALiBi, BLOOM).
   */
  ropeElements: number;
}

/** Sizes of a normalized config (HF names differ per family; these are the planner's). */
export function modelDims(c: ModelConfig): ModelDims {
  switch (c.modelType) {
    case 'gpt2':
      return { layers: c.nLayer, hidden: c.nEmbd, heads: c.nHead, kvHeads: c.nHead, headDim: c.nEmbd / c.nHead, intermediate: c.nInner, vocab: c.vocabSize, mlpWideTensors: 2, ropeElements: 0 };
    case 'mpt':
      // HF MptMLP is 4·d_model whatever expansion_ratio says (see models/mpt/catalog.ts).
      return { layers: c.nLayers, hidden: c.dModel, heads: c.nHeads, kvHeads: c.nHeads, headDim: c.dModel / c.nHeads, intermediate: 4 * c.dModel, vocab: c.vocabSize, mlpWideTensors: 2, ropeElements: 0 };
    case 'bloom':
      return { layers: c.numLayers, hidden: c.hiddenSize, heads: c.numHeads, kvHeads: c.numKvHeads, headDim: c.headDim, intermediate: c.intermediateSize, vocab: c.vocabSize, mlpWideTensors: 2, ropeElements: 0 };
    default:
      return { layers: c.numLayers, hidden: c.hiddenSize, heads: c.numHeads, kvHeads: c.numKvHeads, headDim: c.headDim, intermediate: c.intermediateSize, vocab: c.vocabSize, mlpWideTensors: 4, ropeElements: 2 * (c.numHeads + c.numKvHeads) * c.headDim };
  }
}
