/**
 * The engine: TensorFlow.js backend selection, extra and faster kernels, gradient registration,
 * wasm heap accounting, activation checkpointing. Only code that computes imports this module, so
 * `tune validate` and `tune plan` never load a backend; the planner can import
 * `engine/memory-budget.js` directly, which does not load TensorFlow.js.
 */
import * as tf from '@tensorflow/tfjs-core';

export { initEngine, TENSORFLOW_PACKAGES } from './init-engine.js';
export type { ActiveBackend, BackendName, EngineInfo, EngineOptions } from './init-engine.js';
export { registerEngineKernels, ENGINE_KERNELS } from './kernels/registry.js';
export { registerEngineGradients } from './gradients/registry.js';
export { checkpointActivations } from './activation-checkpoint.js';
export { tokenCrossEntropy } from './native/cross-entropy.js';
export { layerNormOp, rmsNormOp, geluTanhOp, swigluOp } from './fused-ops.js';
export { attentionSoftmaxOp } from './fused-attention.js';
export { estimateRunBytes, checkWasmBudget } from './memory-budget.js';
export type { RunMemorySpec, RunMemoryEstimate } from './memory-budget.js';
export { memoryStats } from './memory-stats.js';
export type { MemoryStats } from './memory-stats.js';
export { configureHeapGuard, heapGuardSettings } from './wasm/heap-guard.js';
export type { HeapGuardOptions } from './wasm/heap-guard.js';
export { WASM_HEAP_MAX_BYTES, formatBytes } from './wasm/heap-error.js';

export { tf };
