/**
 * The attention softmax kernels for 'native' (src/engine/fused-attention.ts): scores `[B, H, T, S]`
 * scaled, plus bias and mask addressed through broadcast strides, softmaxed in one addon pass;
 * the backward in one more.
 */
import { util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type { NativeAddon } from './addon.js';
import { f32 } from './mat-mul.js';
import { outputArray } from './buffer-pool.js';
import { ATTN_SOFTMAX, ATTN_SOFTMAX_GRAD } from '../fused-kernel-names.js';

/** Element strides of a 4-D `[b, h, t, S]` operand over (b, h, t), 0 on broadcast axes. */
export function broadcastStrides(shape: readonly number[]): Float64Array {
  const [b, h, t, s] = shape as [number, number, number, number];
  return Float64Array.of(b === 1 ? 0 : h * t * s, h === 1 ? 0 : t * s, t === 1 ? 0 : s);
}

/** Forward and backward kernels. */
export function fusedAttentionConfigs(addon: NativeAddon): KernelConfig[] {
  const forward: KernelFunc = (args) => {
    const { x, mask, bias } = args.inputs as { x: TensorInfo; mask?: TensorInfo; bias?: TensorInfo };
    const { scale } = args.attrs as { scale: number };
    const backend = args.backend as MathBackendCPU;
    const [B, H, T, S] = x.shape as [number, number, number, number];
    const out = outputArray(backend, util.sizeFromShape(x.shape));
    addon.attnSoftmax(
      f32(backend, x),
      mask ? f32(backend, mask) : null,
      mask ? broadcastStrides(mask.shape) : null,
      bias ? f32(backend, bias) : null,
      bias ? broadcastStrides(bias.shape) : null,
      out,
      B * H * T,
      S,
      T,
      H,
      scale,
    );
    return backend.makeTensorInfo(x.shape, 'float32', out);
  };
  const backward: KernelFunc = (args) => {
    const { y, dy } = args.inputs as { y: TensorInfo; dy: TensorInfo };
    const { scale } = args.attrs as { scale: number };
    const backend = args.backend as MathBackendCPU;
    const cols = y.shape[y.shape.length - 1]!;
    const n = util.sizeFromShape(y.shape);
    const dx = outputArray(backend, n);
    addon.attnSoftmaxGrad(f32(backend, y), f32(backend, dy), dx, n / cols, cols, scale);
    return backend.makeTensorInfo(y.shape, 'float32', dx);
  };
  return [
    { kernelName: ATTN_SOFTMAX, backendName: 'native', kernelFunc: forward },
    { kernelName: ATTN_SOFTMAX_GRAD, backendName: 'native', kernelFunc: backward },
  ];
}
