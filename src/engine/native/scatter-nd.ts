/** ScatterNd for 'native' (float32): adds whole update slices into a zeroed output (the gradient of GatherNd). */
import { backend_util, getKernel, type KernelConfig, type KernelFunc, type TensorInfo, type TypedArray } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { outputArray } from './buffer-pool.js';

const scatterNd: KernelFunc = (args) => {
  const { indices, updates } = args.inputs as { indices: TensorInfo; updates: TensorInfo };
  const { shape } = args.attrs as unknown as { shape: number[] };
  if (updates.dtype !== 'float32') {
    const k = getKernel('ScatterNd', 'cpu');
    if (k == null) throw new Error('engine(native): cpu ScatterNd kernel missing');
    return k.kernelFunc(args);
  }
  const backend = args.backend as MathBackendCPU;
  const { sliceRank, numUpdates, sliceSize, strides, outputSize } = backend_util.calculateShapes(updates as never, indices as never, shape);
  const idx = backend.data.get(indices.dataId).values as TypedArray;
  const upd = backend.data.get(updates.dataId).values as Float32Array;
  const out = outputArray(backend, outputSize, true);
  const slices = outputSize / Math.max(1, sliceSize);
  for (let i = 0; i < numUpdates; i++) {
    let flat = 0;
    for (let j = 0; j < sliceRank; j++) flat += (idx[i * sliceRank + j] as number) * strides[j]!;
    if (flat < 0 || flat >= slices) throw new Error(`Invalid indices: update ${i} does not index into ${shape}`);
    const o = flat * sliceSize;
    const u = i * sliceSize;
    for (let k = 0; k < sliceSize; k++) out[o + k]! += upd[u + k]!;
  }
  return backend.makeTensorInfo(shape, 'float32', out);
};

export const scatterNdConfig: KernelConfig = { kernelName: 'ScatterNd', backendName: 'native', kernelFunc: scatterNd };
