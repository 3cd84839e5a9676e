/**
 * _FusedMatMul for 'wasm' (`tf.fused.matMul`: product + bias + activation).
 *
 * The stock kernel has the same slow-path problem as BatchMatMul, accepts only a rank-1 bias, and
 * its C++ applies only relu/relu6/prelu (leakyrelu, sigmoid and elu are silently skipped). Here a
 * product that collapses to one 2-D call on the real B with a rank-1 bias and a linear/relu/relu6
 * activation goes straight to the C++ fused path (bias added by XNNPACK, packed weights cached);
 * everything else is the fast product followed by the wasm Add and activation kernels.
 */
import { getKernel, util, type KernelConfig, type KernelFunc, type NamedAttrMap, type TensorInfo } from '@tensorflow/tfjs-core';
import { assertXnnWrote, markXnnOutput } from '../wasm/heap-guard.js';
import { asWasmBackend, tensorData, wasmExport, type WasmBackend } from '../wasm/internals.js';
import { planMatMul, wasmMatMul } from './matmul-core.js';

const XNN_FUSABLE: Record<string, number> = { linear: 0, relu: 1, relu6: 2 };

function runKernel(name: string, backend: WasmBackend, inputs: Record<string, TensorInfo>, attrs: NamedAttrMap = {}): TensorInfo {
  const k = getKernel(name, 'wasm');
  if (k == null) throw new Error(`engine: wasm kernel ${name} missing`);
  return k.kernelFunc({ inputs, backend, attrs }) as TensorInfo;
}

function activate(backend: WasmBackend, x: TensorInfo, activation: string, prelu: TensorInfo | undefined, alpha: number): TensorInfo {
  switch (activation) {
    case 'linear':
      return x;
    case 'relu':
      return runKernel('Relu', backend, { x });
    case 'relu6':
      return runKernel('Relu6', backend, { x });
    case 'elu':
      return runKernel('Elu', backend, { x });
    case 'sigmoid':
      return runKernel('Sigmoid', backend, { x });
    case 'leakyrelu':
      return runKernel('LeakyRelu', backend, { x }, { alpha });
    case 'prelu':
      if (prelu == null) throw new Error('engine: prelu activation needs preluActivationWeights');
      return runKernel('Prelu', backend, { x, alpha: prelu });
    default:
      throw new Error(`engine: activation ${activation} is not supported by _FusedMatMul on wasm`);
  }
}

const fusedMatMul: KernelFunc = ({ inputs, backend: anyBackend, attrs }) => {
  const backend = asWasmBackend(anyBackend);
  const { a, b, bias, preluActivationWeights } = inputs as {
    a: TensorInfo;
    b: TensorInfo;
    bias?: TensorInfo;
    preluActivationWeights?: TensorInfo;
  };
  const at = (attrs ?? {}) as { transposeA?: boolean; transposeB?: boolean; activation?: string; leakyreluAlpha?: number };
  const transposeA = at.transposeA === true;
  const transposeB = at.transposeB === true;
  const activation = at.activation ?? 'linear';
  const plan = planMatMul(a, b, transposeA, transposeB);
  const bBatch = util.sizeFromShape(b.shape.slice(0, -2));
  const code = XNN_FUSABLE[activation];
  if (!transposeA && !transposeB && bBatch === 1 && code !== undefined && (bias == null || (bias.shape.length === 1 && bias.shape[0] === plan.n)) && plan.k > 0) {
    const out = backend.makeOutput(plan.outShape, 'float32');
    const rows = util.sizeFromShape(plan.batchShape) * plan.m;
    if (rows > 0 && plan.n > 0) {
      const shapes = new Int32Array([1, rows, plan.k, 1, plan.k, plan.n]);
      const ptr = backend.wasm._malloc(shapes.byteLength);
      try {
        new Int32Array(backend.wasm.HEAPU8.buffer, ptr, 6).set(shapes);
        const biasId = bias == null ? 0 : tensorData(backend, bias).id;
        markXnnOutput(backend.wasm, tensorData(backend, out).memoryOffset);
        wasmExport(backend, '_FusedMatMul')(tensorData(backend, a).id, ptr, 3, tensorData(backend, b).id, ptr + 12, 3, 0, 0, code, biasId, 0, 0, tensorData(backend, out).id);
      } finally {
        backend.wasm._free(ptr);
      }
      assertXnnWrote(backend.wasm, tensorData(backend, out).memoryOffset, plan.k * plan.n * 4);
    }
    return out;
  }
  const product = wasmMatMul(backend, a, b, transposeA, transposeB);
  let x = product;
  if (bias != null) {
    x = runKernel('Add', backend, { a: product, b: bias });
    backend.disposeData(product.dataId);
  }
  const y = activate(backend, x, activation, preluActivationWeights, at.leakyreluAlpha ?? 0.2);
  if (y !== x) backend.disposeData(x.dataId);
  return y;
};

/** Replaces the stock wasm _FusedMatMul (registered by {@link registerEngineKernels}). */
export const fusedMatMulConfig: KernelConfig = { kernelName: '_FusedMatMul', backendName: 'wasm', kernelFunc: fusedMatMul };
