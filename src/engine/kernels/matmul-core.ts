/**
 * Matrix multiplication on the wasm backend that always reaches XNNPACK's fast path.
 *
 * The stock wasm BatchMatMul sends everything except `A[1,M,K]·B[1,K,N]` (no transposes, batch 1) to a
 * scalar triple loop that is 10× slower. Here transposed operands are materialised first with the
 * wasm Transpose kernel, a batch that shares one B collapses into a single `[batch·M, K]·[K, N]`
 * call, and any other batch is split into 2-D calls on *views*: extra tensor ids registered on the
 * wasm side that point into the middle of the operands' and the output's heap blocks, so no slice
 * is copied. Views are unregistered afterwards, which also frees XNNPACK's packed copy of a
 * per-call B. A B that is a real tensor (a weight) keeps its packed copy cached by XNNPACK, as the
 * stock kernel does.
 */
import { backend_util, getKernel, util, type TensorInfo } from '@tensorflow/tfjs-core';
import { assertXnnWrote, markXnnOutput } from '../wasm/heap-guard.js';
import { tensorData, wasmExport, type WasmBackend, type WasmModule } from '../wasm/internals.js';
import { cachedTransposedWeight, rememberTransposedWeight, shouldCacheTransposed } from './weight-cache.js';

/** Scratch space on the heap for the two rank-3 shape arrays each call passes to C. */
const shapeScratch = new WeakMap<WasmModule, number>();

function scratch(backend: WasmBackend): number {
  let ptr = shapeScratch.get(backend.wasm);
  if (ptr === undefined) {
    ptr = backend.wasm._malloc(32);
    shapeScratch.set(backend.wasm, ptr);
  }
  return ptr;
}

/** Write [1,M,K] and [1,K,N] into the scratch block; returns the two pointers. */
function writeShapes(backend: WasmBackend, m: number, k: number, n: number): [number, number] {
  const ptr = scratch(backend);
  const h = new Int32Array(backend.wasm.HEAPU8.buffer, ptr, 6);
  h.set([1, m, k, 1, k, n]);
  return [ptr, ptr + 12];
}

/** Register a tensor id that aliases `size` floats at `offset` (bytes). Caller unregisters it. */
export function registerView(backend: WasmBackend, offset: number, size: number): number {
  const id = backend.dataIdNextNumber++;
  backend.wasm.tfjs.registerTensor(id, size, offset);
  return id;
}

/** Swap the last two axes with the wasm Transpose kernel (a new tensor the caller disposes). */
export function transposeLast2(backend: WasmBackend, x: TensorInfo): TensorInfo {
  const rank = x.shape.length;
  const perm = x.shape.map((_, i) => (i < rank - 2 ? i : i === rank - 2 ? rank - 1 : rank - 2));
  const kernel = getKernel('Transpose', 'wasm');
  if (kernel == null) throw new Error('engine: wasm Transpose kernel missing');
  return kernel.kernelFunc({ inputs: { x }, backend, attrs: { perm } }) as TensorInfo;
}

/** Shapes of a (possibly transposed, possibly batched) matmul, with broadcast batch dims. */
export interface MatMulPlan {
  m: number;
  k: number;
  n: number;
  batchShape: number[];
  outShape: number[];
}

/** Work out M, K, N and the broadcast batch shape; throws the same message tfjs does on mismatch. */
export function planMatMul(a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean): MatMulPlan {
  const ar = a.shape.length;
  const br = b.shape.length;
  const k = transposeA ? a.shape[ar - 2]! : a.shape[ar - 1]!;
  const kb = transposeB ? b.shape[br - 1]! : b.shape[br - 2]!;
  const m = transposeA ? a.shape[ar - 1]! : a.shape[ar - 2]!;
  const n = transposeB ? b.shape[br - 2]! : b.shape[br - 1]!;
  util.assert(
    k === kb,
    () =>
      `Error in matMul: inner shapes (${k}) and (${kb}) of Tensors with shapes ${a.shape} and ` +
      `${b.shape} and transposeA=${transposeA} and transposeB=${transposeB} must match.`,
  );
  const batchShape = backend_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
  return { m, k, n, batchShape, outShape: [...batchShape, m, n] };
}

/** Offsets (in matrices) of operand `shape`'s batch entry for each output batch entry (broadcast dims repeat). */
export function batchOffsets(shape: readonly number[], batchShape: readonly number[]): number[] {
  const own = shape.slice(0, -2);
  const padded = [...new Array<number>(batchShape.length - own.length).fill(1), ...own];
  const strides = new Array<number>(padded.length).fill(0);
  let s = 1;
  for (let d = padded.length - 1; d >= 0; d--) {
    strides[d] = padded[d] === 1 ? 0 : s;
    s *= padded[d]!;
  }
  const total = util.sizeFromShape(batchShape as number[]);
  const out = new Array<number>(total);
  for (let i = 0; i < total; i++) {
    let rest = i;
    let off = 0;
    for (let d = batchShape.length - 1; d >= 0; d--) {
      const dim = batchShape[d]!;
      off += (rest % dim) * strides[d]!;
      rest = Math.floor(rest / dim);
    }
    out[i] = off;
  }
  return out;
}

/**
 * `out = op(A)·op(B)` for float32 tensors of any rank ≥ 2 with broadcast batch dims, computed with
 * XNNPACK. Returns a new tensor of shape `[...batch, M, N]`.
 */
export function wasmMatMul(
  backend: WasmBackend,
  a: TensorInfo,
  b: TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
): TensorInfo {
  if (a.dtype !== 'float32' || b.dtype !== 'float32') {
    throw new Error('BatchMatMul for non-float32 tensors is not supported on wasm');
  }
  const { m, k, n, batchShape, outShape } = planMatMul(a, b, transposeA, transposeB);
  const out = backend.makeOutput(outShape, 'float32');
  if (util.sizeFromShape(outShape) === 0) return out;
  if (k === 0) {
    new Float32Array(backend.wasm.HEAPU8.buffer, tensorData(backend, out).memoryOffset, util.sizeFromShape(outShape)).fill(0);
    return out;
  }
  const a2 = transposeA ? transposeLast2(backend, a) : a;
  try {
    if (transposeB && util.sizeFromShape(b.shape.slice(0, -2)) === 1) {
      const rows = util.sizeFromShape(batchShape) * m;
      const cached = cachedTransposedWeight(backend, b.dataId);
      if (cached !== undefined) {
        sharedProduct(backend, tensorData(backend, a2).id, cached, out, rows, k, n);
        return out;
      }
      if (shouldCacheTransposed(backend, b.dataId)) {
        packTransposedWeight(backend, a2, b, out, rows, k, n);
        return out;
      }
    }
    const b2 = transposeB ? transposeLast2(backend, b) : b;
    try {
      runBatches(backend, a2, b2, out, m, k, n, batchShape);
    } finally {
      if (b2 !== b) backend.disposeData(b2.dataId);
    }
  } finally {
    if (a2 !== a) backend.disposeData(a2.dataId);
  }
  return out;
}

/** One `[rows, K]·[K, N]` XNNPACK call into `out`, checked for a skipped product. */
function sharedProduct(backend: WasmBackend, aId: number, bId: number, out: TensorInfo, rows: number, k: number, n: number): void {
  const [sa, sb] = writeShapes(backend, rows, k, n);
  const outOffset = tensorData(backend, out).memoryOffset;
  markXnnOutput(backend.wasm, outOffset);
  wasmExport(backend, 'BatchMatMul')(aId, sa, 3, bId, sb, 3, 0, 0, tensorData(backend, out).id);
  assertXnnWrote(backend.wasm, outOffset, k * n * 4);
}

/** Transpose B once, let XNNPACK pack it under a virtual id, free the transposed buffer (see weight-cache). */
function packTransposedWeight(backend: WasmBackend, a: TensorInfo, b: TensorInfo, out: TensorInfo, rows: number, k: number, n: number): void {
  const t = transposeLast2(backend, b);
  const virtualId = registerView(backend, tensorData(backend, t).memoryOffset, k * n);
  try {
    sharedProduct(backend, tensorData(backend, a).id, virtualId, out, rows, k, n);
  } catch (e) {
    backend.wasm.tfjs.disposeData(virtualId);
    throw e;
  } finally {
    backend.disposeData(t.dataId);
  }
  rememberTransposedWeight(backend, b.dataId, virtualId);
}

function runBatches(
  backend: WasmBackend,
  a: TensorInfo,
  b: TensorInfo,
  out: TensorInfo,
  m: number,
  k: number,
  n: number,
  batchShape: number[],
): void {
  const call = wasmExport(backend, 'BatchMatMul');
  const batch = util.sizeFromShape(batchShape);
  const aBatch = util.sizeFromShape(a.shape.slice(0, -2));
  const bBatch = util.sizeFromShape(b.shape.slice(0, -2));
  const aId = tensorData(backend, a).id;
  const bId = tensorData(backend, b).id;
  const outId = tensorData(backend, out).id;
  if (bBatch === 1 && aBatch === batch) {
    // One shared B (a weight): the whole batch is a single [batch·M, K]·[K, N] product, and a
    // real B id lets XNNPACK reuse its packed copy across calls.
    sharedProduct(backend, aId, bId, out, batch * m, k, n);
    return;
  }
  const aOffsets = batchOffsets(a.shape, batchShape);
  const bOffsets = batchOffsets(b.shape, batchShape);
  const aBase = tensorData(backend, a).memoryOffset;
  const bBase = tensorData(backend, b).memoryOffset;
  const outBase = tensorData(backend, out).memoryOffset;
  const [sa, sb] = writeShapes(backend, m, k, n);
  for (let i = 0; i < batch; i++) {
    const views: number[] = [];
    const av = aBatch === 1 ? aId : registerView(backend, aBase + aOffsets[i]! * m * k * 4, m * k);
    const bv = bBatch === 1 ? bId : registerView(backend, bBase + bOffsets[i]! * k * n * 4, k * n);
    const ov = batch === 1 ? outId : registerView(backend, outBase + i * m * n * 4, m * n);
    for (const [v, real] of [[av, aId], [bv, bId], [ov, outId]] as const) if (v !== real) views.push(v);
    const outOffset = outBase + i * m * n * 4;
    markXnnOutput(backend.wasm, outOffset);
    try {
      call(av, sa, 3, bv, sb, 3, 0, 0, ov);
    } finally {
      for (const v of views) backend.wasm.tfjs.disposeData(v);
    }
    assertXnnWrote(backend.wasm, outOffset, k * n * 4);
  }
}
