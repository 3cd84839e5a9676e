/**
 * The parts of @tensorflow/tfjs-backend-wasm's BackendWasm (and its emscripten module) that the
 * engine's kernels and heap guard use. tfjs does not export these types; they are stable across
 * 4.x and checked at runtime by {@link asWasmBackend}.
 */
import type { DataId, DataType, KernelBackend, TensorInfo } from '@tensorflow/tfjs-core';

/** The emscripten module behind the wasm backend. Heap views are replaced when memory grows. */
export interface WasmModule {
  HEAPU8: Uint8Array;
  HEAPF32: Float32Array;
  HEAP32: Int32Array;
  _malloc(bytes: number): number;
  _free(ptr: number): void;
  /** Exported C kernels (`_BatchMatMul`, `_FusedMatMul`, …), called with heap pointers. */
  [exported: `_${string}`]: unknown;
  tfjs: {
    registerTensor(id: number, size: number, memoryOffset: number): void;
    disposeData(id: number): void;
  };
}

/** What the backend stores per tensor buffer. */
export interface WasmTensorData {
  id: number;
  memoryOffset: number;
  shape: number[];
  dtype: DataType;
  refCount: number;
}

/** A BackendWasm instance as seen by the engine. */
export interface WasmBackend extends KernelBackend {
  wasm: WasmModule;
  dataIdNextNumber: number;
  dataIdMap: { get(dataId: DataId): WasmTensorData | undefined; has(dataId: DataId): boolean };
  makeOutput(shape: number[], dtype: DataType, memoryOffset?: number): TensorInfo;
  disposeData(dataId: DataId, force?: boolean): boolean;
}

/** Narrow a kernel's backend argument to the wasm backend, or throw if it is not one. */
export function asWasmBackend(backend: unknown): WasmBackend {
  const b = backend as Partial<WasmBackend> | null;
  if (b == null || b.wasm == null || b.dataIdMap == null || typeof b.makeOutput !== 'function') {
    throw new Error('engine: expected the wasm backend');
  }
  return b as WasmBackend;
}

/** The wasm-side record of a tensor, or throw (a tensor disposed under a kernel is a bug). */
export function tensorData(backend: WasmBackend, t: TensorInfo): WasmTensorData {
  const d = backend.dataIdMap.get(t.dataId);
  if (d == null) throw new Error('engine: tensor data not found on the wasm backend');
  return d;
}

/** Float32 view of a tensor's bytes on the heap (re-create after any allocation: memory may grow). */
export function f32View(backend: WasmBackend, t: TensorInfo, size: number): Float32Array {
  const d = tensorData(backend, t);
  return new Float32Array(backend.wasm.HEAPU8.buffer, d.memoryOffset, size);
}

/** Int32 view of a tensor's bytes on the heap (re-create after any allocation). */
export function i32View(backend: WasmBackend, t: TensorInfo, size: number): Int32Array {
  const d = tensorData(backend, t);
  return new Int32Array(backend.wasm.HEAPU8.buffer, d.memoryOffset, size);
}

/** Call an exported C function of the wasm module by name. */
export function wasmExport(backend: WasmBackend, name: string): (...args: number[]) => void {
  const fn = backend.wasm[`_${name}`];
  if (typeof fn !== 'function') throw new Error(`engine: wasm export _${name} not found`);
  return fn as (...args: number[]) => void;
}
