/** Softmax for 'native': one parallel pass per row instead of tfjs' max/sub/exp/sum/div chain. */
import { getKernel, util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type { NativeAddon } from './addon.js';
import { f32 } from './mat-mul.js';
import { outputArray } from './buffer-pool.js';

export function softmaxConfig(addon: NativeAddon): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const { logits } = args.inputs as { logits: TensorInfo };
    const { dim } = (args.attrs ?? {}) as { dim?: number };
    const rank = logits.shape.length;
    const last = dim === undefined || dim === -1 || dim === rank - 1;
    const cols = logits.shape[rank - 1] ?? 0;
    if (logits.dtype !== 'float32' || !last || rank === 0 || cols === 0) {
      const k = getKernel('Softmax', 'cpu');
      if (k == null) throw new Error('engine(native): cpu Softmax kernel missing');
      return k.kernelFunc(args);
    }
    const backend = args.backend as MathBackendCPU;
    const size = util.sizeFromShape(logits.shape);
    const out = outputArray(backend, size);
    addon.softmax(f32(backend, logits), out, size / cols, cols);
    return backend.makeTensorInfo(logits.shape, 'float32', out);
  };
  return { kernelName: 'Softmax', backendName: 'native', kernelFunc };
}
