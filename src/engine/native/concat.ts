/** Concat for 'native': each input's rows copied with `TypedArray.set` (tfjs' cpu kernel goes element by element). */
import { backend_util, getKernel, util, type KernelConfig, type KernelFunc, type TensorInfo, type TypedArray } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { outputArray } from './buffer-pool.js';

const concat: KernelFunc = (args) => {
  const inputs = args.inputs as unknown as TensorInfo[];
  const backend = args.backend as MathBackendCPU;
  const first = inputs[0];
  if (first == null || inputs.some((t) => t.dtype !== 'float32') || inputs.length < 2) {
    const k = getKernel('Concat', 'cpu');
    if (k == null) throw new Error('engine(native): cpu Concat kernel missing');
    return k.kernelFunc(args);
  }
  const { axis } = args.attrs as unknown as { axis: number };
  const $axis = util.parseAxisParam(axis, first.shape)[0]!;
  backend_util.assertParamsConsistent(inputs.map((t) => t.shape), $axis);
  const outShape = backend_util.computeOutShape(inputs.map((t) => t.shape), $axis);
  const out = outputArray(backend, util.sizeFromShape(outShape));
  const outer = util.sizeFromShape(outShape.slice(0, $axis));
  const outInner = util.sizeFromShape(outShape.slice($axis));
  let offset = 0;
  for (const t of inputs) {
    const src = backend.data.get(t.dataId).values as TypedArray;
    const inner = util.sizeFromShape(t.shape.slice($axis));
    if (inner > 0) for (let o = 0; o < outer; o++) out.set(src.subarray(o * inner, (o + 1) * inner), o * outInner + offset);
    offset += inner;
  }
  return backend.makeTensorInfo(outShape, 'float32', out);
};

export const concatConfig: KernelConfig = { kernelName: 'Concat', backendName: 'native', kernelFunc: concat };
