/** BatchMatMul for 'wasm' that reaches XNNPACK for every transpose / batch form (see matmul-core). */
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { asWasmBackend } from '../wasm/internals.js';
import { wasmMatMul } from './matmul-core.js';

const batchMatMul: KernelFunc = ({ inputs, backend, attrs }) => {
  const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
  const { transposeA, transposeB } = (attrs ?? {}) as { transposeA?: boolean; transposeB?: boolean };
  return wasmMatMul(asWasmBackend(backend), a, b, transposeA === true, transposeB === true);
};

/** Replaces the stock wasm BatchMatMul (registered by {@link registerEngineKernels}). */
export const batchMatMulConfig: KernelConfig = { kernelName: 'BatchMatMul', backendName: 'wasm', kernelFunc: batchMatMul };
