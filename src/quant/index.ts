/**
 * 4-bit (NF4/FP4) and 8-bit blockwise quantization compatible with bitsandbytes, its state-dict
 * format. Host-side math is in float32 as bitsandbytes' kernels compute it; nothing here touches
 * TensorFlow.js (the frozen 4-bit Linear QLoRA uses, `Nf4Linear`, is a model layer).
 */
export { NF4_CODE, FP4_CODE, NF4_THRESHOLDS, codeFor, nf4Index, fp4Index } from './codes.js';
export type { QuantType } from './codes.js';
export { ALLOWED_BLOCKSIZES, checkBlocksize, blockCount } from './blocksize.js';
export { createDynamicMap, torchLinspace01, DYNAMIC_MAP_SIGNED, DYNAMIC_MAP_UNSIGNED } from './dynamic-map.js';
export type { DynamicMapVariant } from './dynamic-map.js';
export { quantize4bit, dequantize4bit, dequantize4bitInto, zeroIndex } from './quantize-4bit.js';
export type { Packed4bit, Quantize4bitOptions } from './quantize-4bit.js';
export { quantizeBlockwise, dequantizeBlockwise, quantizeCode8 } from './quantize-blockwise.js';
export type { Blockwise8bit } from './quantize-blockwise.js';
export { compressAbsmax, decompressAbsmax, float32Mean, NESTED_BLOCKSIZE } from './double-quant.js';
export type { NestedAbsmax } from './double-quant.js';
export { quantizeWeight, dequantizeWeight, stateAbsmax, quantizedBytes } from './quant-state.js';
export type { QuantState, NestedQuantState, Quantized4bit, QuantDtype, QuantizeWeightOptions } from './quant-state.js';
export { quantizedToTensors, quantizedFromTensors, hasQuantizedWeight, quantStateJson, extractQuantizedWeights } from './state-dict.js';
export { parseQuantizationConfig, quantizationConfigJson } from './quantization-config.js';
export type { BnbQuantizationConfig } from './quantization-config.js';
