/**
 * Memory budget of a training run from the config alone (no weights): weights, gradients,
 * optimizer state and activations, in bytes, for this engine (float32 compute) — an estimate with
 * documented assumptions, not a measurement.
 */
import type { ModelDims } from './dims.js';

export interface ParamCounts {
  /** All parameters (tied weights once). */
  total: number;
  /** Parameters that train (LoRA A/B, modules_to_save, biases, or everything for full). */
  trainable: number;
  /** Frozen parameters stored 4-bit (QLoRA's quantized linears), 0 otherwise. */
  quantized: number;
}

export interface MemoryInputs {
  dims: ModelDims;
  params: ParamCounts;
  optimizer: string;
  microBatchSize: number;
  sequenceLen: number;
  gradientCheckpointing: boolean;
  /** 4-bit blocksize and double quantization (QLoRA only). */
  quant?: { blocksize: number; doubleQuant: boolean };
  /** Trainable tensors with at least 4096 elements (8-bit optimizers keep 32-bit state for smaller ones). */
  trainableInLargeTensors?: number;
}

export interface MemoryBudget {
  weights: number;
  gradients: number;
  optimizerState: number;
  activations: number;
  total: number;
  notes: string[];
}

const F32 = 4;

/** Bytes per 4-bit parameter: half a byte of codes plus the absmax statistics. */
export function nf4BytesPerParam(blocksize: number, doubleQuant: boolean): number {
  const stats = doubleQuant ? 1 / blocksize + F32 / (blocksize * 256) : F32 / blocksize;
  return 0.5 + stats;
}

/**
 * Activations kept for the backward pass per transformer layer, in floats, for B×T tokens:
 * norms' inputs and outputs, q/k/v, attention output and projection (~8·d + 2·kv·hd), the MLP's up/gate,
 * activation and product (~4·I), plus the [H, T, T] scores and probabilities.
 */
function layerActivationFloats(d: ModelDims, B: number, T: number): number {
  const tokens = B * T;
  return tokens * (8 * d.hidden + 2 * d.kvHeads * d.headDim + 4 * d.intermediate) + 2 * B * d.heads * T * T;
}

export function estimateMemory(m: MemoryInputs): MemoryBudget {
  const notes: string[] = [];
  const dense = m.params.total - m.params.quantized;
  const q = m.quant ? nf4BytesPerParam(m.quant.blocksize, m.quant.doubleQuant) : 0;
  const weights = dense * F32 + m.params.quantized * q;
  const gradients = m.params.trainable * F32;
  let optimizerState: number;
  switch (m.optimizer) {
    case 'sgd':
      optimizerState = m.params.trainable * F32;
      notes.push('sgd: one momentum buffer per trainable parameter (0 when momentum is 0)');
      break;
    case 'adamw_8bit':
    case 'paged_adamw_8bit': {
      const large = m.trainableInLargeTensors ?? m.params.trainable;
      optimizerState = large * (2 + (2 * F32) / 256) + (m.params.trainable - large) * 2 * F32;
      notes.push('8-bit AdamW: 2 bytes per parameter plus blockwise absmax; tensors under 4096 elements keep 32-bit state');
      break;
    }
    default:
      optimizerState = m.params.trainable * 2 * F32;
  }
  const B = m.microBatchSize;
  const T = m.sequenceLen;
  const perLayer = layerActivationFloats(m.dims, B, T) * F32;
  const logits = 3 * B * T * m.dims.vocab * F32; // logits, log-softmax and their gradient
  let activations: number;
  if (m.gradientCheckpointing) {
    activations = m.dims.layers * B * T * m.dims.hidden * F32 + perLayer + logits;
    notes.push('gradient checkpointing: one hidden state per layer kept, one layer recomputed at a time');
  } else {
    activations = m.dims.layers * perLayer + logits;
  }
  return { weights, gradients, optimizerState, activations, total: weights + gradients + optimizerState + activations, notes };
}

export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(u === 0 ? 0 : v < 10 ? 2 : 1)} ${units[u]}`;
}
