/**
 * BatchMatMul for 'cpu' with full batch broadcasting. The stock cpu kernel flattens each operand's
 * batch dims and pairs them index by index, so `[2,1,M,K]·[1,3,K,N]` returns half the output.
 * When both operands have batch dims that differ, they are tiled to the broadcast shape first (cpu
 * Tile kernel) and the stock kernel runs on the result; every other case goes straight through.
 */
import { backend_util, getKernel, util, type KernelBackend, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';

let stock: KernelFunc | null = null;

function tile(x: TensorInfo, batchShape: number[], args: Parameters<KernelFunc>[0]): TensorInfo {
  const own = x.shape.slice(0, -2);
  const padded = [...new Array<number>(batchShape.length - own.length).fill(1), ...own];
  const reshaped = { ...x, shape: [...padded, ...x.shape.slice(-2)] };
  const reps = [...batchShape.map((d, i) => (padded[i] === d ? 1 : d)), 1, 1];
  const kernel = getKernel('Tile', 'cpu');
  if (kernel == null) throw new Error('engine: cpu Tile kernel missing');
  return kernel.kernelFunc({ inputs: { x: reshaped }, backend: args.backend, attrs: { reps } }) as TensorInfo;
}

const batchMatMul: KernelFunc = (args) => {
  if (stock == null) throw new Error('engine: stock cpu BatchMatMul missing');
  const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
  const aBatch = a.shape.slice(0, -2);
  const bBatch = b.shape.slice(0, -2);
  const aSize = util.sizeFromShape(aBatch);
  const bSize = util.sizeFromShape(bBatch);
  const batchShape = backend_util.assertAndGetBroadcastShape(aBatch, bBatch);
  const outSize = util.sizeFromShape(batchShape);
  if ((aSize === outSize || aSize === 1) && (bSize === outSize || bSize === 1)) return stock(args);
  const a2 = aSize === outSize ? a : tile(a, batchShape, args);
  const b2 = bSize === outSize ? b : tile(b, batchShape, args);
  const backend = args.backend as KernelBackend;
  try {
    return stock({ ...args, inputs: { a: a2, b: b2 } });
  } finally {
    if (a2 !== a) backend.disposeData(a2.dataId);
    if (b2 !== b) backend.disposeData(b2.dataId);
  }
};

/** Capture the stock kernel the first time (before it is replaced). */
export function captureStockCpuBatchMatMul(): void {
  const current = getKernel('BatchMatMul', 'cpu');
  if (current != null && current.kernelFunc !== batchMatMul) stock = current.kernelFunc;
}

export const cpuBatchMatMulConfig: KernelConfig = { kernelName: 'BatchMatMul', backendName: 'cpu', kernelFunc: batchMatMul };
