/**
 * tanh-GELU and SwiGLU kernels for 'native' (forward and backward): one addon pass each instead of
 * tfjs' 6–9 element-wise ops with a temporary each. Operands are float32 of one shape (SwiGLU's
 * gate and up must match exactly; src/engine/fused-ops.ts checks before calling).
 */
import { util, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type { NativeAddon } from './addon.js';
import { f32 } from './mat-mul.js';
import { GELU_TANH, GELU_TANH_GRAD, SWIGLU, SWIGLU_GRAD } from '../fused-kernel-names.js';
import { outputArray } from './buffer-pool.js';

/** Element count of `ts[0]` after checking all are float32 of the same shape. */
function sameShape(name: string, ts: readonly TensorInfo[]): number {
  const first = ts[0]!;
  for (const t of ts) {
    if (t.dtype !== 'float32') throw new Error(`engine(native): ${name} needs float32 inputs, found ${t.dtype}`);
    if (!util.arraysEqual(t.shape, first.shape)) throw new Error(`engine(native): ${name} needs operands of one shape, found [${first.shape.join(', ')}] and [${t.shape.join(', ')}]`);
  }
  return util.sizeFromShape(first.shape);
}

/** The four activation kernels for 'native'. */
export function fusedActivationConfigs(addon: NativeAddon): KernelConfig[] {
  const gelu: KernelFunc = (args) => {
    const backend = args.backend as MathBackendCPU;
    const { x } = args.inputs as { x: TensorInfo };
    const y = outputArray(backend, sameShape(GELU_TANH, [x]));
    addon.geluTanh(f32(backend, x), y);
    return backend.makeTensorInfo(x.shape, 'float32', y);
  };
  const geluGrad: KernelFunc = (args) => {
    const backend = args.backend as MathBackendCPU;
    const { dy, x } = args.inputs as { dy: TensorInfo; x: TensorInfo };
    const dx = outputArray(backend, sameShape(GELU_TANH_GRAD, [dy, x]));
    addon.geluTanhGrad(f32(backend, dy), f32(backend, x), dx);
    return backend.makeTensorInfo(x.shape, 'float32', dx);
  };
  const swiglu: KernelFunc = (args) => {
    const backend = args.backend as MathBackendCPU;
    const { gate, up } = args.inputs as { gate: TensorInfo; up: TensorInfo };
    const out = outputArray(backend, sameShape(SWIGLU, [gate, up]));
    addon.swiglu(f32(backend, gate), f32(backend, up), out);
    return backend.makeTensorInfo(gate.shape, 'float32', out);
  };
  const swigluGrad: KernelFunc = (args) => {
    const backend = args.backend as MathBackendCPU;
    const { dy, gate, up } = args.inputs as { dy: TensorInfo; gate: TensorInfo; up: TensorInfo };
    const n = sameShape(SWIGLU_GRAD, [dy, gate, up]);
    const dGate = outputArray(backend, n);
    const dUp = outputArray(backend, n);
    addon.swigluGrad(f32(backend, dy), f32(backend, gate), f32(backend, up), dGate, dUp);
    return [backend.makeTensorInfo(gate.shape, 'float32', dGate), backend.makeTensorInfo(gate.shape, 'float32', dUp)];
  };
  return [
    { kernelName: GELU_TANH, backendName: 'native', kernelFunc: gelu },
    { kernelName: GELU_TANH_GRAD, backendName: 'native', kernelFunc: geluGrad },
    { kernelName: SWIGLU, backendName: 'native', kernelFunc: swiglu },
    { kernelName: SWIGLU_GRAD, backendName: 'native', kernelFunc: swigluGrad },
  ];
}
