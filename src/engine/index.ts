/**
 * The engine: TensorFlow.js backend selection, extra and faster kernels, gradient registration,
 * wasm heap accounting, activation checkpointing. Only code that computes imports this module, so
 * `tune validate` and `tune plan` never load a backend; the backend registry (`registry.ts`) is
 * TensorFlow-free and is what they use.
 */
import * as tf from '@tensorflow/tfjs-core';

export { initEngine, TENSORFLOW_PACKAGES } from './init-engine.js';
export type { ActiveBackend, BackendName, EngineInfo, EngineOptions } from './init-engine.js';
export { BackendRegistry, type BackendProbe, type BackendSpec, type EngineChoice, type EngineCopies } from './registry.js';
export { TFJS_BACKENDS, packageInstalled } from './backends.js';
export { registerEngineKernels, ENGINE_KERNELS } from './kernels/registry.js';
export { registerEngineGradients } from './gradients/registry.js';
export { checkpointActivations } from './activation-checkpoint.js';
export { liveBufferBytes, measurePeakTensorBytes } from './buffer-bytes.js';
export { tokenCrossEntropy } from './native/cross-entropy.js';
export { layerNormOp, rmsNormOp, geluTanhOp, swigluOp } from './fused-ops.js';
export { attentionSoftmaxOp } from './fused-attention.js';
export { memoryStats } from './memory-stats.js';
export type { MemoryStats } from './memory-stats.js';
export { configureHeapGuard, heapGuardSettings } from './wasm/heap-guard.js';
export type { HeapGuardOptions } from './wasm/heap-guard.js';
export { WASM_HEAP_MAX_BYTES, checkWasmBudget, formatBytes } from './wasm/heap-error.js';

export { tf };
