/**
 * A pre-run estimate of the bytes a training run keeps alive, and the wasm heap check built on it.
 *
 * The formula is deliberately simple (float32 everywhere, B = micro batch, T = sequence length,
 * h = hidden size, f = MLP intermediate size, H = heads, L = layers, V = vocabulary):
 * - weights:        4 · params
 * - packed weights: 4 · frozenMatmulParams on wasm (XNNPACK keeps a packed copy of every weight
 *                   matrix it multiplies by; defaults to all params)
 * - gradients:      4 · trainable
 * - optimizer:      4 · trainable · states (AdamW: 2 — first and second moment)
 * - activations:    per layer 4 · (B·T·(10·h + 2·f) + 2·B·H·T²) — layer norms, q/k/v, attention
 *                   output, residuals, the MLP's two wide tensors, attention scores and
 *                   probabilities — all L layers kept for the backward pass; with gradient
 *                   checkpointing only each layer's input (4 · B·T·h · L) plus one layer's worth
 * - logits:         3 · 4 · B·T·V (logits, log-softmax, their gradient)
 * - reserve:        64 MiB the heap guard keeps free for XNNPACK and C++ scratch
 * The formula is src/plan/memory.ts's (`estimateTrainingMemory`, which also knows 4-bit weights, 8-bit
 * optimizers, GQA, gated MLPs and LoRA); this is its float32 view without engine weight copies other
 * than the wasm packing. The heap guard catches what the estimate misses.
 */
import { wasmHeapError, WASM_HEAP_MAX_BYTES } from './wasm/heap-error.js';
import { heapGuardSettings } from './wasm/heap-guard.js';
import { estimateTrainingMemory } from '../plan/memory.js';

/** Shapes and sizes of a run, as the planner knows them before loading anything. */
export interface RunMemorySpec {
  /** All parameters of the model (frozen + trainable). */
  params: number;
  /** Parameters that receive gradients (all for full fine-tuning; the adapters' for LoRA). */
  trainableParams: number;
  /** Optimizer state tensors per trainable parameter (AdamW 2, SGD with momentum 1). Default 2. */
  optimizerStates?: number;
  /** Parameters in weight matrices XNNPACK will pack (wasm only). Default: `params`. */
  matmulParams?: number;
  microBatchSize: number;
  sequenceLen: number;
  hiddenSize: number;
  numLayers: number;
  numHeads: number;
  vocabSize: number;
  /** MLP width. Default 4 · hiddenSize. */
  intermediateSize?: number;
  gradientCheckpointing?: boolean;
  /** Backend the run will use; packed weights are counted on wasm only. Default 'wasm'. */
  backend?: 'wasm' | 'cpu' | 'tensorflow';
}

/** Bytes by category and in total. */
export interface RunMemoryEstimate {
  weights: number;
  packedWeights: number;
  gradients: number;
  optimizer: number;
  activations: number;
  logits: number;
  reserve: number;
  total: number;
}

/**
 * Estimate the bytes a training run keeps alive at its peak (see the module comment for the formula).
 *
 * @example
 * const est = estimateRunBytes({ params: 124e6, trainableParams: 0.3e6, microBatchSize: 1, sequenceLen: 256,
 *   hiddenSize: 768, numLayers: 12, numHeads: 12, vocabSize: 50257 });
 * checkWasmBudget(est.total);
 */
export function estimateRunBytes(spec: RunMemorySpec): RunMemoryEstimate {
  // One estimator for the whole project: src/plan/memory.ts (this is its engine-level view).
  const h = spec.hiddenSize;
  const est = estimateTrainingMemory({
    dims: { layers: spec.numLayers, hidden: h, heads: spec.numHeads, kvHeads: spec.numHeads, headDim: h / spec.numHeads, intermediate: spec.intermediateSize ?? 4 * h, vocab: spec.vocabSize, mlpWideTensors: 2 },
    params: { total: spec.params, trainable: spec.trainableParams, quantized: 0, matmul: spec.matmulParams ?? spec.params },
    optimizer: { name: 'adamw', statesPerParam: spec.optimizerStates ?? 2 },
    microBatchSize: spec.microBatchSize,
    sequenceLen: spec.sequenceLen,
    gradientCheckpointing: spec.gradientCheckpointing ?? false,
    backend: spec.backend ?? 'wasm',
    reserveBytes: heapGuardSettings().reserveBytes,
  });
  const reserve = heapGuardSettings().reserveBytes;
  const { weights, packedWeights, gradients, optimizerState: optimizer, activations, logits } = est;
  return { weights, packedWeights, gradients, optimizer, activations, logits, reserve, total: weights + packedWeights + gradients + optimizer + activations + logits + reserve };
}

/**
 * Fail with ENGINE_WASM_HEAP when `neededBytes` will not fit in the wasm heap.
 * @param availableBytes defaults to the guard's limit (the 4 GiB wasm32 cap unless configured)
 */
export function checkWasmBudget(neededBytes: number | RunMemoryEstimate, availableBytes?: number): void {
  const needed = typeof neededBytes === 'number' ? neededBytes : neededBytes.total;
  const available = availableBytes ?? Math.min(heapGuardSettings().limitBytes, WASM_HEAP_MAX_BYTES);
  if (needed > available) throw wasmHeapError(needed, available, 'for this run (estimated before it starts)');
}
