/**
 * LayerNorm and RMSNorm kernels for 'native' (forward and backward), one addon pass each over the
 * tensors' own arrays. Inputs of any rank are [rows, cols] with cols the last axis; the weight (and
 * bias) is 1-D of size cols. src/engine/fused-ops.ts checks that before calling, so a mismatch here
 * is an internal error.
 */
import { util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type { NativeAddon } from './addon.js';
import { f32 } from './mat-mul.js';
import { LAYER_NORM, LAYER_NORM_GRAD, RMS_NORM, RMS_NORM_GRAD } from '../fused-kernel-names.js';
import { outputArray } from './buffer-pool.js';

/** rows and cols of `x`, after checking dtypes and that every per-column input has `cols` elements. */
export function rowsCols(name: string, x: TensorInfo, perColumn: readonly (TensorInfo | undefined)[], others: readonly TensorInfo[] = []): { rows: number; cols: number } {
  const cols = x.shape[x.shape.length - 1] ?? 0;
  const size = util.sizeFromShape(x.shape);
  for (const t of [x, ...perColumn, ...others]) {
    if (t !== undefined && t.dtype !== 'float32') throw new Error(`engine(native): ${name} needs float32 inputs, found ${t.dtype}`);
  }
  if (x.shape.length === 0 || cols === 0) throw new Error(`engine(native): ${name} needs x of rank ≥ 1 with a non-empty last axis, found [${x.shape.join(', ')}]`);
  for (const t of perColumn) {
    if (t !== undefined && (t.shape.length !== 1 || t.shape[0] !== cols)) throw new Error(`engine(native): ${name} needs a weight of shape [${cols}], found [${t.shape.join(', ')}]`);
  }
  return { rows: size / cols, cols };
}

function layerNorm(addon: NativeAddon): KernelFunc {
  return (args) => {
    const { x, weight, bias } = args.inputs as { x: TensorInfo; weight: TensorInfo; bias?: TensorInfo };
    const { eps } = args.attrs as { eps: number };
    const { rows, cols } = rowsCols(LAYER_NORM, x, [weight, bias]);
    const backend = args.backend as MathBackendCPU;
    const y = outputArray(backend, rows * cols);
    const mean = outputArray(backend, rows);
    const rstd = outputArray(backend, rows);
    addon.layerNorm(f32(backend, x), f32(backend, weight), bias ? f32(backend, bias) : null, y, mean, rstd, rows, cols, eps);
    return [backend.makeTensorInfo(x.shape, 'float32', y), backend.makeTensorInfo([rows], 'float32', mean), backend.makeTensorInfo([rows], 'float32', rstd)];
  };
}

function layerNormGrad(addon: NativeAddon): KernelFunc {
  return (args) => {
    const { dy, x, weight, mean, rstd } = args.inputs as Record<'dy' | 'x' | 'weight' | 'mean' | 'rstd', TensorInfo>;
    const { rows, cols } = rowsCols(LAYER_NORM_GRAD, x, [weight], [dy, mean, rstd]);
    const backend = args.backend as MathBackendCPU;
    const dx = outputArray(backend, rows * cols);
    const dw = outputArray(backend, cols);
    const db = outputArray(backend, cols);
    addon.layerNormGrad(f32(backend, dy), f32(backend, x), f32(backend, weight), f32(backend, mean), f32(backend, rstd), dx, dw, db, rows, cols);
    return [backend.makeTensorInfo(x.shape, 'float32', dx), backend.makeTensorInfo([cols], 'float32', dw), backend.makeTensorInfo([cols], 'float32', db)];
  };
}

function rmsNorm(addon: NativeAddon): KernelFunc {
  return (args) => {
    const { x, weight } = args.inputs as { x: TensorInfo; weight: TensorInfo };
    const { eps } = args.attrs as { eps: number };
    const { rows, cols } = rowsCols(RMS_NORM, x, [weight]);
    const backend = args.backend as MathBackendCPU;
    const y = outputArray(backend, rows * cols);
    const rstd = outputArray(backend, rows);
    addon.rmsNorm(f32(backend, x), f32(backend, weight), y, rstd, rows, cols, eps);
    return [backend.makeTensorInfo(x.shape, 'float32', y), backend.makeTensorInfo([rows], 'float32', rstd)];
  };
}

function rmsNormGrad(addon: NativeAddon): KernelFunc {
  return (args) => {
    const { dy, x, weight, rstd } = args.inputs as Record<'dy' | 'x' | 'weight' | 'rstd', TensorInfo>;
    const { rows, cols } = rowsCols(RMS_NORM_GRAD, x, [weight], [dy, rstd]);
    const backend = args.backend as MathBackendCPU;
    const dx = outputArray(backend, rows * cols);
    const dw = outputArray(backend, cols);
    addon.rmsNormGrad(f32(backend, dy), f32(backend, x), f32(backend, weight), f32(backend, rstd), dx, dw, rows, cols);
    return [backend.makeTensorInfo(x.shape, 'float32', dx), backend.makeTensorInfo([cols], 'float32', dw)];
  };
}

/** The four norm kernels for 'native'. */
export function fusedNormConfigs(addon: NativeAddon): KernelConfig[] {
  return [
    { kernelName: LAYER_NORM, backendName: 'native', kernelFunc: layerNorm(addon) },
    { kernelName: LAYER_NORM_GRAD, backendName: 'native', kernelFunc: layerNormGrad(addon) },
    { kernelName: RMS_NORM, backendName: 'native', kernelFunc: rmsNorm(addon) },
    { kernelName: RMS_NORM_GRAD, backendName: 'native', kernelFunc: rmsNormGrad(addon) },
  ];
}
