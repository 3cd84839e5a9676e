/** The model zoo's public surface. */
export * from './types.js';
export * from './catalog.js';
export { CausalLM, type ForwardOptions, type TrainableSpec } from './causal-lm.js';
export type { ForwardContext } from './forward-context.js';
export { LinearSlot, DenseLinear, denseApply, type LinearImpl, type LinearShape } from './layers/linear.js';
export { Parameter } from './layers/parameter.js';
export { Nf4Linear, expand4bit } from './layers/nf4-linear.js';
export { quantizeDense, dequantizedInLayout, transpose2d } from './layers/quantize-linear.js';
export { KVCache } from './layers/kv-cache.js';
export { causalLmLoss, causalLmLossFromHidden, evaluateLoss, lossTargets, tokenLossGrid, type EvalBatch, type LossResult, type LossOptions, type LossSummary } from './loss.js';
export { loadModel, loadModelWithInfo, randomModel, type LoadOptions } from './load.js';
export { buildModel, MODEL_REGISTRY } from './registry.js';
export { randomWeights } from './init.js';
export { mergeAdapter } from './adapter-merge.js';
export { Rng } from './prng.js';
