import type { SchemaNode } from '../../src/plugin-api.js';

/** `method.quantization`: how the frozen base is stored in 4 bits (bitsandbytes-compatible). */
export const QUANTIZATION: SchemaNode = {
  title: 'QuantizationSettings',
  type: 'object',
  description: 'QLoRA: how the frozen base weights are quantized (bitsandbytes-compatible 4-bit).',
  additionalProperties: false,
  properties: {
    bits: {
      description: 'Bits per weight; only 4 is supported.',
      type: 'integer',
      const: 4,
      default: 4,
      examples: [4],
    },
    type: {
      description: '4-bit data type: NormalFloat4 or FP4.',
      type: 'string',
      enum: ['nf4', 'fp4'],
      default: 'nf4',
      examples: ['nf4', 'fp4'],
    },
    double_quant: {
      description: 'Also quantize the per-block absmax constants (8-bit, blocks of 256).',
      type: 'boolean',
      default: true,
      examples: [false],
    },
    blocksize: {
      description: 'Weights per quantization block.',
      type: 'integer',
      enum: [32, 64, 128, 256, 512, 1024, 2048, 4096],
      default: 64,
      examples: [64, 128],
    },
    compute_dtype: {
      description: 'Dtype the dequantized weights are computed in (bitsandbytes `bnb_4bit_compute_dtype`). Recorded in the 4-bit quantization state and the run log; engines without 16-bit floats (wasm, cpu, native) compute in float32 and say so.',
      type: 'string',
      enum: ['float32', 'bfloat16', 'float16'],
      default: 'bfloat16',
      examples: ['bfloat16', 'float32'],
    },
  },
  examples: [{ type: 'nf4', double_quant: true, compute_dtype: 'bfloat16' }],
  default: {},
};
