/**
 * The one memory estimator of a training run, from the config alone (no weights): what a run keeps
 * alive at its peak, split into weights, gradients, optimizer state, activations and the engine's
 * own copies. It is an estimate with stated assumptions, not a measurement; the wasm heap guard
 * catches what it misses.
 *
 * Notation: B micro batch, T sequence length, h hidden size, f MLP width, H heads, kv·hd the key /
 * value width, L layers, V vocabulary, a = bytes per activation element (4 on this engine).
 * - weights:      a frozen dense parameter costs its dtype (4 bytes on this engine), a trainable one
 *                 always 4 (master weights / PEFT's float32 adapters); a parameter a method stores
 *                 in fewer bits costs what the plan says (NF4: 0.5 byte + absmax, bitsandbytes'
 *                 layout; the packed codes live on the host).
 * - gradients:    4 bytes per trainable parameter.
 * - plugin state: what plugins say they keep for the whole run (L2-SP: θ₀, 4 bytes per trainable
 *                 parameter).
 * - optimizer:    what the optimizer's plugin says (`stateBytes`): AdamW 2 × 4 bytes per trainable
 *                 parameter (m, v); SGD 4 bytes with momentum, 0 without; 8-bit AdamW 2 bytes +
 *                 2 × 4/256 bytes of block absmax per parameter of tensors with ≥ 4096 elements,
 *                 2 × 4 bytes for smaller ones (kept on the host).
 * - activations:  per layer a·(B·T·(8h + 2·kv·hd + m·f + p + x) + 2·B·H·T²): two norms' inputs and
 *                 outputs, q/k/v, attention output and residuals, the MLP's m wide tensors (m = 2
 *                 plain, 4 gated), p for RoPE (the rotated-half copies and results of q and k,
 *                 2·(H + kv)·hd), x per token that the method adds (LoRA: each target's r-wide
 *                 intermediate and its out-wide B·A·x before scaling, + its dropped-out input and
 *                 dropout mask when dropout > 0), and the [B,H,T,T] scores and probabilities —
 *                 what fused norm, softmax and activation kernels keep (the native engine); an
 *                 engine composing them op by op keeps every intermediate, `activationScale` times
 *                 as much (wasm 3, cpu 2.5, measured). All L layers are kept for backward; with
 *                 gradient checkpointing only each layer's input a·B·T·h·L plus one layer
 *                 recomputed at a time.
 * - logits:       3 · 4 · B·T·V (logits, log-softmax and their gradient, float32 always).
 * - engine copies (what the backend says it makes): on wasm a transposed copy of each frozen
 *                 `[out, in]` dense weight (frozen projections and a frozen LM head multiply by a
 *                 cached Wᵀ; the other backends pass the transpose to the matmul) and XNNPACK's
 *                 packed copy of every weight matrix it multiplies by; for low-bit weights the
 *                 float32 expansion of the largest one during its matmul (×2 where the backend
 *                 packs weights); and the heap guard's reserve (wasm).
 * Not counted: transient copies that never coexist with the activation peak (the 8-bit optimizer's
 * host copies of parameters and gradients during its update, checkpoint serialization) and Node's
 * own heap (tokenized data, ~100 MB of code).
 */
import type { EngineCopies } from '../engine/registry.js';
import type { ModelDims } from './dims.js';

export type { EngineCopies };

/** Parameter counts the estimate needs (compile derives them from the module placement). */
export interface ParamCounts {
  /** All parameters (tied weights once), including the ones a method adds. */
  total: number;
  /** Parameters that train (LoRA A/B, modules_to_save, biases, or everything for full). */
  trainable: number;
  /** Frozen parameters stored in fewer bits (QLoRA's 4-bit linears), 0 otherwise. */
  quantized: number;
  /** Bytes of those (codes and statistics). */
  quantizedBytes?: number;
  /** Frozen dense `[out, in]` matrices multiplied through a cached transposed copy. */
  frozenTransposed?: number;
  /** Dense weight matrices the backend packs (XNNPACK). Default `total - quantized`. */
  matmul?: number;
  /** Elements of the largest low-bit matrix (its float32 expansion is the dequantization scratch). */
  largestQuantized?: number;
}

/** Everything the estimator reads. */
export interface MemoryInputs {
  dims: ModelDims;
  params: ParamCounts;
  /** Optimizer state bytes and whether they live on the host (from the optimizer's plugin). */
  optimizerState: { bytes: number; host: boolean };
  microBatchSize: number;
  sequenceLen: number;
  gradientCheckpointing: boolean;
  /** Bytes of tensors plugins keep for the whole run (loss terms' reference values). Default 0. */
  pluginStateBytes?: number;
  /** Activation elements per token and layer the method adds (see the module comment). Default 0. */
  extraActivationsPerToken?: number;
  /** The backend's own copies; null: none (a GPU reference, or no copies counted). */
  engineCopies: EngineCopies | null;
  /** Bytes per dense weight and per activation element (default 4: this engine computes in float32). */
  dtypeBytes?: { weights: number; activations: number };
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
  /** Tensors plugins keep for the whole run. */
  pluginState: number;
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

/** Bytes per 4-bit parameter in bitsandbytes' layout: half a byte of codes plus the absmax statistics. */
export function nf4BytesPerParam(blocksize: number, doubleQuant: boolean): number {
  const stats = doubleQuant ? 1 / blocksize + F32 / (blocksize * 256) : F32 / blocksize;
  return 0.5 + stats;
}

/** Elements of one layer's kept activations (see the module comment). */
function layerElements(m: MemoryInputs): number {
  const d = m.dims;
  const B = m.microBatchSize;
  const T = m.sequenceLen;
  const perToken = 8 * d.hidden + 2 * d.kvHeads * d.headDim + d.mlpWideTensors * d.intermediate + d.ropeElements + (m.extraActivationsPerToken ?? 0);
  return B * T * perToken + 2 * B * d.heads * T * T;
}

/**
 * Estimate the peak bytes of a training run.
 *
 * @example
 * const b = estimateTrainingMemory({ dims, params: { total: 124e6, trainable: 3e5, quantized: 0 },
 *   optimizerState: { bytes: 8 * 3e5, host: false }, microBatchSize: 1, sequenceLen: 256,
 *   gradientCheckpointing: false, engineCopies: null });
 * console.log(formatBytes(b.total));
 */
export function estimateTrainingMemory(m: MemoryInputs): MemoryBudget {
  const wB = m.dtypeBytes?.weights ?? F32;
  const aB = m.dtypeBytes?.activations ?? F32;
  const copies = m.engineCopies;
  const p = m.params;
  const quantizedWeights = p.quantizedBytes ?? 0;
  const weights = (p.total - p.quantized - p.trainable) * wB + p.trainable * F32 + quantizedWeights;
  const gradients = p.trainable * F32;
  const opt = m.optimizerState;
  const perLayer = layerElements(m) * aB;
  const B = m.microBatchSize;
  const T = m.sequenceLen;
  // Engines without fused kernels keep more per layer (EngineCopies.activationScale).
  const scale = copies?.activationScale ?? 1;
  const activationsFull = scale * m.dims.layers * perLayer;
  const activationsCheckpointed = m.dims.layers * B * T * m.dims.hidden * aB + scale * perLayer;
  const activations = m.gradientCheckpointing ? activationsCheckpointed : activationsFull;
  const logits = 3 * F32 * B * T * m.dims.vocab;
  const transposedCopies = copies?.transposedWeights ? F32 * (p.frozenTransposed ?? 0) : 0;
  const packedWeights = copies?.packedWeights ? F32 * (p.matmul ?? p.total - p.quantized) : 0;
  const dequantScratch = copies && p.quantized > 0 ? F32 * (p.largestQuantized ?? 0) * (copies.packedWeights ? 2 : 1) : 0;
  const reserve = copies?.reserveBytes ?? 0;
  const pluginState = m.pluginStateBytes ?? 0;
  const total = weights + gradients + opt.bytes + pluginState + activations + logits + transposedCopies + packedWeights + dequantScratch + reserve;
  const hostOptimizerState = opt.host ? opt.bytes : 0;
  return {
    weights,
    quantizedWeights,
    gradients,
    optimizerState: opt.bytes,
    hostOptimizerState,
    pluginState,
    activations,
    logits,
    activationsCheckpointed,
    activationsFull,
    transposedCopies,
    packedWeights,
    dequantScratch,
    reserve,
    total,
    wasmHeap: total - quantizedWeights - hostOptimizerState,
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
