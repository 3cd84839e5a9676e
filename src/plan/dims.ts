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
}

export function modelDims(c: ModelConfig): ModelDims {
  switch (c.modelType) {
    case 'gpt2':
      return { layers: c.nLayer, hidden: c.nEmbd, heads: c.nHead, kvHeads: c.nHead, headDim: c.nEmbd / c.nHead, intermediate: c.nInner, vocab: c.vocabSize };
    case 'mpt':
      return { layers: c.nLayers, hidden: c.dModel, heads: c.nHeads, kvHeads: c.nHeads, headDim: c.dModel / c.nHeads, intermediate: 4 * c.dModel, vocab: c.vocabSize };
    default:
      return { layers: c.numLayers, hidden: c.hiddenSize, heads: c.numHeads, kvHeads: c.numKvHeads, headDim: c.headDim, intermediate: c.intermediateSize, vocab: c.vocabSize };
  }
}
