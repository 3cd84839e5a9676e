/**
 * UnsortedSegmentSum for 'wasm' — missing from the stock backend, and it is the gradient of
 * `gather` (every trainable embedding needs it). Out-of-range segment ids are dropped, as in TF.
 */
import { util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { asWasmBackend, f32View, i32View } from '../wasm/internals.js';

const unsortedSegmentSum: KernelFunc = ({ inputs, backend: anyBackend, attrs }) => {
  const backend = asWasmBackend(anyBackend);
  const { x, segmentIds } = inputs as { x: TensorInfo; segmentIds: TensorInfo };
  const numSegments = (attrs as { numSegments: number }).numSegments;
  if (x.dtype !== 'float32' && x.dtype !== 'int32') throw new Error(`UnsortedSegmentSum: dtype ${x.dtype} is not supported on wasm`);
  const nIds = util.sizeFromShape(segmentIds.shape);
  const inner = nIds === 0 ? 0 : util.sizeFromShape(x.shape) / nIds;
  const outShape = [numSegments, ...x.shape.slice(segmentIds.shape.length)];
  const out = backend.makeOutput(outShape, x.dtype);
  const outSize = util.sizeFromShape(outShape);
  // Views after makeOutput: the allocation may have grown (and replaced) the heap buffer.
  const view = x.dtype === 'float32' ? f32View : i32View;
  const o = view(backend, out, outSize);
  o.fill(0);
  const xs = view(backend, x, nIds * inner);
  const ids = i32View(backend, segmentIds, nIds);
  for (let i = 0; i < nIds; i++) {
    const s = ids[i]!;
    if (s < 0 || s >= numSegments) continue;
    const src = i * inner;
    const dst = s * inner;
    for (let j = 0; j < inner; j++) o[dst + j]! += xs[src + j]!;
  }
  return out;
};

export const unsortedSegmentSumConfig: KernelConfig = {
  kernelName: 'UnsortedSegmentSum',
  backendName: 'wasm',
  kernelFunc: unsortedSegmentSum,
};
