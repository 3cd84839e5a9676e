/**
 * BatchMatMul and _FusedMatMul for the 'native' backend: every transpose / batch / broadcast form
 * becomes one batched SGEMM call on the operands' own Float32Arrays (no transposed or tiled copies;
 * the output array is allocated once and handed to tfjs as the tensor's storage).
 */
import { batchOffsets as matrixBatchOffsets, planMatMul } from '../kernels/matmul-core.js';
import { getKernel, util, type KernelConfig, type KernelFunc, type NamedAttrMap, type TensorInfo } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type { NativeAddon } from './addon.js';
import { outputArray } from './buffer-pool.js';

/** Element offsets of each output batch entry's matrix in an operand of `shape` (null: one shared matrix). */
export function batchOffsets(shape: readonly number[], batchShape: readonly number[], matrixSize: number): Float64Array | null {
  if (util.sizeFromShape(shape.slice(0, -2)) === 1) return null;
  return Float64Array.from(matrixBatchOffsets(shape, batchShape), (off) => off * matrixSize);
}

/** The float32 storage of a cpu-backend tensor. */
export function f32(backend: MathBackendCPU, t: TensorInfo): Float32Array {
  const entry = backend.data.get(t.dataId);
  const v = entry.values;
  if (v instanceof Float32Array) return v;
  if (t.dtype !== 'float32' || v == null) throw new Error(`engine(native): expected float32 storage, found ${t.dtype}`);
  // Some cpu kernels store float32 results as plain arrays or other typed arrays; convert once, in place.
  const converted = Float32Array.from(v as ArrayLike<number>);
  entry.values = converted;
  return converted;
}

interface Product {
  out: Float32Array;
  shape: number[];
  n: number;
}

/** op(A)·op(B) into a new array (prefilled with `init` rows when given, then accumulated onto). */
export function nativeProduct(addon: NativeAddon, backend: MathBackendCPU, a: TensorInfo, b: TensorInfo, transA: boolean, transB: boolean, init?: Float32Array): Product {
  // Same shape rules (and error message) as the wasm kernels.
  const { m, k, n, batchShape, outShape: shape } = planMatMul(a, b, transA, transB);
  const batch = util.sizeFromShape(batchShape);
  // Every element is written: by the GEMM (beta 0 stores, never reads), or by `init` then the GEMM.
  const out = outputArray(backend, batch * m * n, k === 0 && !init);
  if (out.length === 0 || k === 0) {
    if (init) for (let r = 0; r < out.length; r += n) out.set(init, r);
    return { out, shape, n };
  }
  let beta = 0;
  if (init) {
    for (let r = 0; r < out.length; r += n) out.set(init, r);
    beta = 1;
  }
  const av = f32(backend, a);
  const bv = f32(backend, b);
  const aOff = batchOffsets(a.shape, batchShape, m * k);
  const bOff = batchOffsets(b.shape, batchShape, k * n);
  if (bOff === null && !transA && (aOff === null ? batch === 1 : util.sizeFromShape(a.shape.slice(0, -2)) === batch)) {
    // A shared B (a weight) and a contiguous A batch: one [batch·M, K]·[K, N] product.
    addon.gemm(av, bv, out, batch * m, n, k, false, transB, null, null, 1, beta);
  } else {
    const aO = aOff ?? (batch > 1 ? new Float64Array(batch) : null);
    const bO = bOff ?? (batch > 1 ? new Float64Array(batch) : null);
    addon.gemm(av, bv, out, m, n, k, transA, transB, aO, bO, 1, beta);
  }
  return { out, shape, n };
}

function cpuKernel(name: string): KernelFunc {
  const k = getKernel(name, 'cpu');
  if (k == null) throw new Error(`engine(native): cpu kernel ${name} missing`);
  return k.kernelFunc;
}

function isFloat(...ts: (TensorInfo | undefined)[]): boolean {
  return ts.every((t) => t == null || t.dtype === 'float32');
}

/** BatchMatMul for 'native' (non-float32 operands go to the cpu kernel). */
export function batchMatMulConfig(addon: NativeAddon): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
    if (!isFloat(a, b)) return cpuKernel('BatchMatMul')(args);
    const { transposeA, transposeB } = (args.attrs ?? {}) as { transposeA?: boolean; transposeB?: boolean };
    const backend = args.backend as MathBackendCPU;
    const p = nativeProduct(addon, backend, a, b, transposeA === true, transposeB === true);
    return backend.makeTensorInfo(p.shape, 'float32', p.out);
  };
  return { kernelName: 'BatchMatMul', backendName: 'native', kernelFunc };
}

const ACTIVATIONS: Record<string, string> = { relu: 'Relu', relu6: 'Relu6', elu: 'Elu', sigmoid: 'Sigmoid', leakyrelu: 'LeakyRelu', prelu: 'Prelu' };

/** _FusedMatMul for 'native': a rank-1 bias is the GEMM's initial C; other biases and activations use cpu kernels. */
export function fusedMatMulConfig(addon: NativeAddon): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const { a, b, bias, preluActivationWeights } = args.inputs as { a: TensorInfo; b: TensorInfo; bias?: TensorInfo; preluActivationWeights?: TensorInfo };
    if (!isFloat(a, b, bias)) return cpuKernel('_FusedMatMul')(args);
    const at = (args.attrs ?? {}) as { transposeA?: boolean; transposeB?: boolean; activation?: string; leakyreluAlpha?: number };
    const backend = args.backend as MathBackendCPU;
    const transB = at.transposeB === true;
    const n = transB ? b.shape[b.shape.length - 2]! : b.shape[b.shape.length - 1]!;
    const rowBias = bias != null && util.sizeFromShape(bias.shape) === n && bias.shape.slice(0, -1).every((d) => d === 1);
    const p = nativeProduct(addon, backend, a, b, at.transposeA === true, transB, rowBias ? f32(backend, bias) : undefined);
    let x: TensorInfo = backend.makeTensorInfo(p.shape, 'float32', p.out);
    if (bias != null && !rowBias) {
      const y = cpuKernel('Add')({ inputs: { a: x, b: bias }, backend, attrs: {} }) as TensorInfo;
      backend.disposeData(x.dataId);
      x = y;
    }
    const activation = at.activation ?? 'linear';
    if (activation === 'linear') return x;
    const kernel = ACTIVATIONS[activation];
    if (kernel === undefined) throw new Error(`engine(native): activation ${activation} is not supported by _FusedMatMul`);
    const inputs: Record<string, TensorInfo> = activation === 'prelu' ? { x, alpha: preluActivationWeights! } : { x };
    const attrs: NamedAttrMap = activation === 'leakyrelu' ? { alpha: at.leakyreluAlpha ?? 0.2 } : {};
    const y = cpuKernel(kernel)({ inputs, backend, attrs }) as TensorInfo;
    backend.disposeData(x.dataId);
    return y;
  };
  return { kernelName: '_FusedMatMul', backendName: 'native', kernelFunc };
}
