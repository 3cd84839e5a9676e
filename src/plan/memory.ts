/**
 * The one memory estimator of a training run, from the config alone (no weights): what a run keeps
 * alive at its peak, split into weights, gradients, optimizer state, activations and the engine's
 * own copies. It is an estimate with stated assumptions, not a measurement; the wasm heap guard
 * catches what it misses. `engine/memory-budget.ts` (`estimateRunBytes`) is a thin view of it.
 *
 * Notation: B micro batch, T sequence length, h hidden size, f MLP width, H heads, kv·hd the key /
 * value width, L layers, V vocabulary, a = bytes per activation element (4 on this engine).
 * - weights:      a frozen dense parameter costs its dtype (4 bytes on this engine), a trainable one
 *                 always 4 (master weights / PEFT's float32 adapters); a 4-bit (NF4/FP4)
 *                 parameter 0.5 byte + absmax: 4/blocksize, or double-quantized 1/blocksize +
 *                 4/(256·blocksize) (bitsandbytes' layout; the packed codes live on the host).
 * - gradients:    4 bytes per trainable parameter.
 * - optimizer:    AdamW 2 × 4 bytes per trainable parameter (m, v); SGD 4 bytes with momentum, 0
 *                 without; 8-bit AdamW 2 bytes + 2 × 4/256 bytes of block absmax per parameter of
 *                 tensors with ≥ 4096 elements, 2 × 4 bytes for smaller ones (kept on the host).
 * - activations:  per layer a·(B·T·(8h + 2·kv·hd + m·f + lora) + 2·B·H·T²): two norms' inputs and
 *                 outputs, q/k/v, attention output and residuals, the MLP's m wide tensors (m = 2
 *                 plain, 4 gated), each LoRA target's r-wide intermediate (+ its dropped-out input
 *                 when dropout > 0), and the [B,H,T,T] scores and probabilities. All L layers are
 *                 kept for backward; with gradient checkpointing only each layer's input a·B·T·h·L
 *                 plus one layer recomputed at a time.
 * - logits:       3 · 4 · B·T·V (logits, log-softmax and their gradient, float32 always).
 * - engine copies (this engine only): on wasm a transposed copy of each frozen `[out, in]` dense
 *                 weight (frozen projections and a frozen LM head multiply by a cached Wᵀ; the
 *                 other backends pass the transpose to the matmul) and XNNPACK's packed copy of every weight matrix it multiplies by; for 4-bit weights
 *                 the float32 expansion of the largest projection during its matmul (×2 on wasm,
 *                 which packs it too); and the heap guard's reserve (wasm).
 * Not counted: transient copies that never coexist with the activation peak (the 8-bit optimizer's
 * host copies of parameters and gradients during its update, checkpoint serialization) and Node's
 * own heap (tokenized data, ~100 MB of code).
 */
import type { ModelDims } from './dims.js';

/** Parameter counts the estimate needs (compile derives them from the module placement). */
export interface ParamCounts {
  /** All parameters (tied weights once), including adapters. */
  total: number;
  /** Parameters that train (LoRA A/B, modules_to_save, biases, or everything for full). */
  trainable: number;
  /** Frozen parameters stored 4-bit (QLoRA's quantized linears), 0 otherwise. */
  quantized: number;
  /** Frozen dense `[out, in]` matrices multiplied through a cached transposed copy. */
  frozenTransposed?: number;
  /** Dense weight matrices XNNPACK multiplies by (wasm packs each once). Default `total - quantized`. */
  matmul?: number;
  /** Elements of the largest 4-bit matrix (its float32 expansion is the dequantization scratch). */
  largestQuantized?: number;
  /** Trainable parameters in tensors of ≥ 4096 elements (8-bit optimizers keep 32-bit state below). */
  trainableInLargeTensors?: number;
}

/** Everything the estimator reads. */
export interface MemoryInputs {
  dims: ModelDims;
  params: ParamCounts;
  optimizer: { name: string; momentum?: number; /** Overrides the per-name rule (32-bit states per parameter). */ statesPerParam?: number };
  microBatchSize: number;
  sequenceLen: number;
  gradientCheckpointing: boolean;
  /** 4-bit blocksize and double quantization (QLoRA only). */
  quant?: { blocksize: number; doubleQuant: boolean };
  /** LoRA activations: per layer, the summed rank and the summed input width of the dropped-out targets. */
  lora?: { rankPerLayer: number; droppedInputPerLayer: number };
  /** Backend the run uses; packed weights and the reserve count on wasm only. Default 'wasm'. */
  backend?: 'wasm' | 'cpu' | 'tensorflow';
  /** Bytes per dense weight and per activation element (default 4: this engine computes in float32). */
  dtypeBytes?: { weights: number; activations: number };
  /** Count this engine's own copies (transposed weights, packing, scratch, reserve). Default true. */
  engineCopies?: boolean;
  /** Heap guard reserve on wasm (default 64 MiB, the guard's default). */
  reserveBytes?: number;
}

/** Bytes by component. */
export interface MemoryBudget {
  /** Dense weights + 4-bit weights. */
  weights: number;
  /** Of `weights`: the 4-bit part (host memory, not on the wasm heap). */
  quantizedWeights: number;
  gradients: number;
  optimizerState: number;
  /** Of `optimizerState`: the part kept on the host (8-bit states). */
  hostOptimizerState: number;
  /** Transformer-layer activations kept for backward (without logits). */
  activations: number;
  logits: number;
  /** Layer activations with and without gradient checkpointing (the other setting, for comparison). */
  activationsCheckpointed: number;
  activationsFull: number;
  transposedCopies: number;
  packedWeights: number;
  dequantScratch: number;
  reserve: number;
  total: number;
  /** Bytes that live on the wasm heap when the backend is wasm (total minus host-side 4-bit weights and 8-bit states). */
  wasmHeap: number;
}

const F32 = 4;

/** Bytes per 4-bit parameter: half a byte of codes plus the absmax statistics. */
export function nf4BytesPerParam(blocksize: number, doubleQuant: boolean): number {
  const stats = doubleQuant ? 1 / blocksize + F32 / (blocksize * 256) : F32 / blocksize;
  return 0.5 + stats;
}

/** Optimizer state bytes (see the module comment). */
export function optimizerStateBytes(o: MemoryInputs['optimizer'], trainable: number, trainableInLargeTensors = trainable): { total: number; host: number } {
  if (o.statesPerParam !== undefined) return { total: F32 * trainable * o.statesPerParam, host: 0 };
  switch (o.name) {
    case 'sgd':
      return { total: (o.momentum ?? 0) > 0 ? F32 * trainable : 0, host: 0 };
    case 'adamw_8bit':
    case 'paged_adamw_8bit': {
      const large = Math.min(trainableInLargeTensors, trainable);
      const total = large * (2 + (2 * F32) / 256) + (trainable - large) * 2 * F32;
      return { total, host: total };
    }
    default:
      return { total: 2 * F32 * trainable, host: 0 };
  }
}

/** Elements of one layer's kept activations (see the module comment). */
function layerElements(m: MemoryInputs): number {
  const d = m.dims;
  const B = m.microBatchSize;
  const T = m.sequenceLen;
  const perToken = 8 * d.hidden + 2 * d.kvHeads * d.headDim + d.mlpWideTensors * d.intermediate + (m.lora ? m.lora.rankPerLayer + m.lora.droppedInputPerLayer : 0);
  return B * T * perToken + 2 * B * d.heads * T * T;
}

/**
 * Estimate the peak bytes of a training run.
 *
 * @example
 * const b = estimateTrainingMemory({ dims, params: { total: 124e6, trainable: 3e5, quantized: 0 },
 *   optimizer: { name: 'adamw' }, microBatchSize: 1, sequenceLen: 256, gradientCheckpointing: false });
 * console.log(formatBytes(b.total));
 */
export function estimateTrainingMemory(m: MemoryInputs): MemoryBudget {
  const backend = m.backend ?? 'wasm';
  const wB = m.dtypeBytes?.weights ?? F32;
  const aB = m.dtypeBytes?.activations ?? F32;
  const copies = m.engineCopies ?? true;
  const p = m.params;
  const quantizedWeights = m.quant ? p.quantized * nf4BytesPerParam(m.quant.blocksize, m.quant.doubleQuant) : 0;
  const weights = (p.total - p.quantized - p.trainable) * wB + p.trainable * F32 + quantizedWeights;
  const gradients = p.trainable * F32;
  const opt = optimizerStateBytes(m.optimizer, p.trainable, p.trainableInLargeTensors);
  const perLayer = layerElements(m) * aB;
  const B = m.microBatchSize;
  const T = m.sequenceLen;
  const activationsFull = m.dims.layers * perLayer;
  const activationsCheckpointed = m.dims.layers * B * T * m.dims.hidden * aB + perLayer;
  const activations = m.gradientCheckpointing ? activationsCheckpointed : activationsFull;
  const logits = 3 * F32 * B * T * m.dims.vocab;
  const wasm = backend === 'wasm';
  // Only wasm multiplies frozen weights through a cached Wᵀ (tune run turns the cache off elsewhere:
  // SGEMM and TensorFlow take the transpose as a flag).
  const transposedCopies = copies && wasm ? F32 * (p.frozenTransposed ?? 0) : 0;
  const packedWeights = copies && wasm ? F32 * (p.matmul ?? p.total - p.quantized) : 0;
  const dequantScratch = copies && m.quant ? F32 * (p.largestQuantized ?? 0) * (wasm ? 2 : 1) : 0;
  const reserve = copies && wasm ? (m.reserveBytes ?? 64 * 2 ** 20) : 0;
  const total = weights + gradients + opt.total + activations + logits + transposedCopies + packedWeights + dequantScratch + reserve;
  return {
    weights,
    quantizedWeights,
    gradients,
    optimizerState: opt.total,
    hostOptimizerState: opt.host,
    activations,
    logits,
    activationsCheckpointed,
    activationsFull,
    transposedCopies,
    packedWeights,
    dequantScratch,
    reserve,
    total,
    wasmHeap: total - quantizedWeights - opt.host,
  };
}

/** `1.23 GiB` / `456.0 MiB` / `12.0 KiB` / `7 B`. */
export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (Math.abs(v) >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(u === 0 ? 0 : 2)} ${units[u]}`;
}
