import type { CodeCatalog } from './types.js';

/** Diagnostic codes of `src/quant/` (4-bit weights, bitsandbytes states) and the 8-bit optimizer. */
export const QUANT_CODES = {
  QUANT_BLOCKSIZE: { summary: 'a 4-bit quantization blocksize is not a power of two from 32 to 4096' },
  QUANT_SHAPE_MISMATCH: { summary: 'a tensor to quantize does not have the number of values its shape says' },
  QUANT_STATE_INVALID: { summary: 'a bitsandbytes 4-bit state dict entry is missing, mistyped or inconsistent' },
  QUANT_CONFIG_INVALID: { summary: 'config.json `quantization_config` is not a supported bitsandbytes 4-bit config' },
  QUANT_OPTIM_STATE_INVALID: { summary: '8-bit optimizer state restored from a checkpoint is missing or inconsistent' },
} as const satisfies CodeCatalog;
