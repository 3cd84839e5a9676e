/**
 * GatherNd for 'native': copies whole slices with `TypedArray.set` instead of tfjs' cpu kernel,
 * which converts every element's flat index to coordinates and back (≈1 s per loss on a 50k vocab).
 */
import { backend_util, getKernel, type KernelConfig, type KernelFunc, type TensorInfo, type TypedArray } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';

const gatherNd: KernelFunc = (args) => {
  const { params, indices } = args.inputs as { params: TensorInfo; indices: TensorInfo };
  const backend = args.backend as MathBackendCPU;
  const values = backend.data.get(params.dataId).values;
  if (params.dtype === 'string' || params.dtype === 'complex64' || values == null) {
    const k = getKernel('GatherNd', 'cpu');
    if (k == null) throw new Error('engine(native): cpu GatherNd kernel missing');
    return k.kernelFunc(args);
  }
  const [resultShape, numSlices, sliceSize, strides] = backend_util.prepareAndValidate(params as never, indices as never);
  const src = values as TypedArray;
  const idx = backend.data.get(indices.dataId).values as TypedArray;
  const rank = indices.shape[indices.shape.length - 1] ?? 0;
  const slicesInParams = src.length / Math.max(1, sliceSize);
  const Ctor = src.constructor as new (n: number) => TypedArray;
  const out = new Ctor(numSlices * sliceSize);
  for (let i = 0; i < numSlices; i++) {
    let flat = 0;
    for (let j = 0; j < rank; j++) flat += (idx[i * rank + j] as number) * strides[j]!;
    if (flat < 0 || flat >= slicesInParams) throw new Error(`Invalid indices: slice ${i} does not index into ${params.shape}`);
    out.set(src.subarray(flat * sliceSize, (flat + 1) * sliceSize), i * sliceSize);
  }
  return backend.makeTensorInfo(resultShape, params.dtype, out);
};

export const gatherNdConfig: KernelConfig = { kernelName: 'GatherNd', backendName: 'native', kernelFunc: gatherNd };
