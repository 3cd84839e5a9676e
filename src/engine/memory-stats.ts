/** Memory figures for benchmarks and run logs: tfjs' tensor accounting plus the wasm heap. */
import * as tf from '@tensorflow/tfjs-core';
import { liveBufferBytes } from './buffer-bytes.js';
import { guardedBytes, heapGuardSettings } from './wasm/heap-guard.js';
import type { WasmModule } from './wasm/internals.js';

/** A snapshot of memory use. Wasm fields are null on other backends. */
export interface MemoryStats {
  backend: string;
  numTensors: number;
  /** Bytes of live tensor buffers, each once (all backends; see buffer-bytes.ts). */
  tensorBytes: number;
  /** Size of the wasm linear memory (it only grows). */
  wasmHeapBytes: number | null;
  /** Bytes currently malloc'd for tensors through the heap guard. */
  wasmAllocatedBytes: number | null;
  /** The limit the heap guard enforces. */
  wasmHeapLimitBytes: number | null;
}

/** Current memory use of the active backend. */
export function memoryStats(): MemoryStats {
  const mem = tf.memory();
  const name = tf.getBackend();
  const wasm = name === 'wasm' ? (tf.backend() as unknown as { wasm?: WasmModule }).wasm : undefined;
  return {
    backend: name,
    numTensors: mem.numTensors,
    tensorBytes: liveBufferBytes(),
    wasmHeapBytes: wasm ? wasm.HEAPU8.buffer.byteLength : null,
    wasmAllocatedBytes: wasm ? guardedBytes(wasm) : null,
    wasmHeapLimitBytes: wasm ? heapGuardSettings().limitBytes : null,
  };
}
