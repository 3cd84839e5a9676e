/**
 * Element-wise kernels for 'native': float32 binary ops with full broadcasting and unary math, run
 * by the addon over the tensors' own arrays on all cores. tfjs' cpu versions index every element
 * through generic broadcast arithmetic (≈0.3 s for one [256, 50257] subtraction); other dtypes
 * keep using them.
 */
import { backend_util, getKernel, util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type { NativeAddon } from './addon.js';
import { f32 } from './mat-mul.js';
import { outputArray } from './buffer-pool.js';

/** Kernel name → the addon's binary op code (native/src/elementwise.c). */
export const BINARY_OPS: Readonly<Record<string, number>> = { Add: 0, Sub: 1, Multiply: 2, RealDiv: 3, Maximum: 4, Minimum: 5, SquaredDifference: 6 };
/** Kernel name → the addon's unary op code. */
export const UNARY_OPS: Readonly<Record<string, number>> = { Exp: 0, Log: 1, Neg: 2, Tanh: 3, Sqrt: 4, Rsqrt: 5, Square: 6, Sigmoid: 7, Abs: 8, Relu: 9, Reciprocal: 10 };

/**
 * The addon's layout for `a ∘ b` broadcast to `out`: `[rank, shape…, aStrides…, bStrides…]` after
 * dropping size-1 axes and merging neighbours that are contiguous in both operands.
 */
export function broadcastLayout(aShape: readonly number[], bShape: readonly number[], outShape: readonly number[]): Float64Array {
  const rank = outShape.length;
  const strides = (shape: readonly number[]): number[] => {
    const padded = [...new Array<number>(rank - shape.length).fill(1), ...shape];
    const s = new Array<number>(rank).fill(0);
    let acc = 1;
    for (let d = rank - 1; d >= 0; d--) {
      s[d] = padded[d] === 1 ? 0 : acc;
      acc *= padded[d]!;
    }
    return s;
  };
  const sa = strides(aShape);
  const sb = strides(bShape);
  const dims: { n: number; a: number; b: number }[] = [];
  for (let d = 0; d < rank; d++) {
    const n = outShape[d]!;
    if (n === 1) continue;
    const last = dims[dims.length - 1];
    if (last && last.a === sa[d]! * n && last.b === sb[d]! * n) {
      last.n *= n;
      last.a = sa[d]!;
      last.b = sb[d]!;
    } else dims.push({ n, a: sa[d]!, b: sb[d]! });
  }
  if (dims.length === 0) dims.push({ n: 1, a: 0, b: 0 });
  const r = dims.length;
  const out = new Float64Array(1 + 3 * r);
  out[0] = r;
  dims.forEach((d, i) => {
    out[1 + i] = d.n;
    out[1 + r + i] = d.a;
    out[1 + 2 * r + i] = d.b;
  });
  return out;
}

function fallback(name: string): KernelFunc {
  const k = getKernel(name, 'cpu');
  if (k == null) throw new Error(`engine(native): cpu kernel ${name} missing`);
  return k.kernelFunc;
}

function binaryConfig(addon: NativeAddon, name: string, op: number): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
    if (a.dtype !== 'float32' || b.dtype !== 'float32') return fallback(name)(args);
    const backend = args.backend as MathBackendCPU;
    const outShape = backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
    const out = outputArray(backend, util.sizeFromShape(outShape));
    if (out.length > 0) addon.binary(op, f32(backend, a), f32(backend, b), out, broadcastLayout(a.shape, b.shape, outShape));
    return backend.makeTensorInfo(outShape, 'float32', out);
  };
  return { kernelName: name, backendName: 'native', kernelFunc };
}

function unaryConfig(addon: NativeAddon, name: string, op: number): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    if (x.dtype !== 'float32') return fallback(name)(args);
    const backend = args.backend as MathBackendCPU;
    const out = outputArray(backend, util.sizeFromShape(x.shape));
    if (out.length > 0) addon.unary(op, f32(backend, x), out);
    return backend.makeTensorInfo(x.shape, 'float32', out);
  };
  return { kernelName: name, backendName: 'native', kernelFunc };
}

/** Every element-wise kernel the addon takes over. */
export function elementwiseConfigs(addon: NativeAddon): KernelConfig[] {
  return [
    ...Object.entries(BINARY_OPS).map(([name, op]) => binaryConfig(addon, name, op)),
    ...Object.entries(UNARY_OPS).map(([name, op]) => unaryConfig(addon, name, op)),
  ];
}
