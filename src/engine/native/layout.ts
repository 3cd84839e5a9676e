/**
 * Layout kernels for 'native' — Transpose, Slice, SplitV — as one strided copy in the addon, and
 * float32 reductions (Sum, Mean, Max, Min) as a row reduction after moving the reduced axes last.
 * tfjs' cpu versions convert every element's index to coordinates and back.
 */
import { backend_util, getKernel, slice_util, util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type { NativeAddon } from './addon.js';
import { f32 } from './mat-mul.js';
import { outputArray } from './buffer-pool.js';

function contiguousStrides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length).fill(1);
  for (let d = shape.length - 2; d >= 0; d--) s[d] = s[d + 1]! * shape[d + 1]!;
  return s;
}

/** The addon's strided-copy layout `[rank, base, shape…, strides…]`, size-1 axes dropped, contiguous runs merged. */
export function stridedLayout(base: number, shape: readonly number[], strides: readonly number[]): Float64Array {
  const dims: { n: number; s: number }[] = [];
  shape.forEach((n, d) => {
    if (n === 1) return;
    const last = dims[dims.length - 1];
    if (last && last.s === strides[d]! * n) {
      last.n *= n;
      last.s = strides[d]!;
    } else dims.push({ n, s: strides[d]! });
  });
  if (dims.length === 0) dims.push({ n: 1, s: 1 });
  const r = dims.length;
  const out = new Float64Array(2 + 2 * r);
  out[0] = r;
  out[1] = base;
  dims.forEach((d, i) => {
    out[2 + i] = d.n;
    out[2 + r + i] = d.s;
  });
  return out;
}

function copy(addon: NativeAddon, backend: MathBackendCPU, x: TensorInfo, base: number, shape: number[], strides: number[]): TensorInfo {
  const out = outputArray(backend, util.sizeFromShape(shape));
  if (out.length > 0) addon.strided(f32(backend, x), out, stridedLayout(base, shape, strides));
  return backend.makeTensorInfo(shape, 'float32', out);
}

function cpu(name: string): KernelFunc {
  const k = getKernel(name, 'cpu');
  if (k == null) throw new Error(`engine(native): cpu kernel ${name} missing`);
  return k.kernelFunc;
}

function transposeInfo(addon: NativeAddon, backend: MathBackendCPU, x: TensorInfo, perm: readonly number[]): TensorInfo {
  const st = contiguousStrides(x.shape);
  return copy(addon, backend, x, 0, perm.map((p) => x.shape[p]!), perm.map((p) => st[p]!));
}

function sliceInfo(addon: NativeAddon, backend: MathBackendCPU, x: TensorInfo, begin: number[], size: number[]): TensorInfo {
  const st = contiguousStrides(x.shape);
  const base = begin.reduce((acc, b, d) => acc + b * st[d]!, 0);
  return copy(addon, backend, x, base, size, st);
}

export function layoutConfigs(addon: NativeAddon): KernelConfig[] {
  const transpose: KernelFunc = (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    if (x.dtype !== 'float32') return cpu('Transpose')(args);
    const { perm } = args.attrs as unknown as { perm: number[] };
    return transposeInfo(addon, args.backend as MathBackendCPU, x, perm);
  };
  const slice: KernelFunc = (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    if (x.dtype !== 'float32') return cpu('Slice')(args);
    const { begin, size } = args.attrs as unknown as { begin: number | number[]; size: number | number[] };
    const [b, s] = slice_util.parseSliceParams(x as never, begin, size) as [number[], number[]];
    slice_util.assertParamsValid(x as never, b, s);
    return sliceInfo(addon, args.backend as MathBackendCPU, x, b, s);
  };
  const splitV: KernelFunc = (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    if (x.dtype !== 'float32') return cpu('SplitV')(args);
    const { numOrSizeSplits, axis } = args.attrs as unknown as { numOrSizeSplits: number | number[]; axis: number };
    const $axis = util.parseAxisParam(axis, x.shape)[0]!;
    const sizes = backend_util.prepareSplitSize(x as never, numOrSizeSplits, $axis);
    const begin = new Array<number>(x.shape.length).fill(0);
    return sizes.map((s) => {
      const size = x.shape.slice();
      size[$axis] = s;
      const t = sliceInfo(addon, args.backend as MathBackendCPU, x, begin.slice(), size);
      begin[$axis]! += s;
      return t;
    });
  };
  const reduce = (name: string, op: number): KernelConfig => {
    const kernelFunc: KernelFunc = (args) => {
      const { x } = args.inputs as { x: TensorInfo };
      if (x.dtype !== 'float32' || x.shape.length === 0) return cpu(name)(args);
      const backend = args.backend as MathBackendCPU;
      // Max and Min name their axes `reductionIndices`, Sum and Mean `axis`.
      const { axis, reductionIndices, keepDims } = args.attrs as unknown as { axis?: number | number[]; reductionIndices?: number | number[]; keepDims: boolean };
      const axes = util.parseAxisParam((axis ?? reductionIndices)!, x.shape);
      const leading = axes.length > 0 && axes.length < x.shape.length && axes.every((a, i) => a === i);
      if (leading && op <= 1) {
        // Reduced axes lead (bias gradients): column sums, no transposed copy.
        const rows = util.sizeFromShape(x.shape.slice(0, axes.length));
        const kept = x.shape.slice(axes.length);
        const out = outputArray(backend, util.sizeFromShape(kept), rows === 0);
        if (rows > 0) addon.reduceCols(op, f32(backend, x), out, rows, out.length);
        else if (op === 1) out.fill(Number.NaN);
        return backend.makeTensorInfo(keepDims ? backend_util.expandShapeToKeepDim(kept, axes) : kept, 'float32', out);
      }
      const perm = backend_util.getAxesPermutation(axes, x.shape.length);
      const moved = perm == null ? x : transposeInfo(addon, backend, x, perm);
      try {
        const inner = perm == null ? axes : backend_util.getInnerMostAxes(axes.length, x.shape.length);
        const [outShape, reduceShape] = backend_util.computeOutAndReduceShapes(moved.shape, inner);
        const cols = util.sizeFromShape(reduceShape);
        const rows = util.sizeFromShape(outShape);
        if (cols === 0) return cpu(name)(args);
        const out = outputArray(backend, rows);
        if (rows > 0) addon.reduceRows(op, f32(backend, moved), out, rows, cols);
        const shape = keepDims ? backend_util.expandShapeToKeepDim(outShape, axes) : outShape;
        return backend.makeTensorInfo(shape, 'float32', out);
      } finally {
        if (moved !== x) backend.disposeData(moved.dataId);
      }
    };
    return { kernelName: name, backendName: 'native', kernelFunc };
  };
  return [
    { kernelName: 'Transpose', backendName: 'native', kernelFunc: transpose },
    { kernelName: 'Slice', backendName: 'native', kernelFunc: slice },
    { kernelName: 'SplitV', backendName: 'native', kernelFunc: splitV },
    reduce('Sum', 0),
    reduce('Mean', 1),
    reduce('Max', 2),
    reduce('Min', 3),
  ];
}
