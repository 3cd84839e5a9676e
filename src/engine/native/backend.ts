/**
 * The 'native' backend: tfjs' cpu backend (tensors are plain typed arrays, no 4 GiB heap cap) with
 * its hot kernels replaced by the native addon (OpenBLAS SGEMM on both cores, fused row kernels).
 *
 * Design: a separate backend name rather than patching 'cpu', so the pure-JS cpu backend stays
 * available as the reference the native kernels are tested against in the same process. The
 * backend object is a MathBackendCPU; every cpu kernel is registered again under 'native' (kernel
 * functions take the backend as an argument, so they work unchanged), then the native kernels
 * replace the hot ones. Gradients are backend-independent and need nothing.
 */
import * as tf from '@tensorflow/tfjs-core';
import { getKernel, getKernelsForBackend, registerKernel, unregisterKernel, type BackendValues, type DataId, type DataType, type KernelConfig } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { loadNativeAddon, type NativeAddon } from './addon.js';
import { batchMatMulConfig, fusedMatMulConfig } from './mat-mul.js';
import { softmaxConfig } from './softmax.js';
import { elementwiseConfigs } from './elementwise.js';
import { gatherNdConfig } from './gather-nd.js';
import { layoutConfigs } from './layout.js';
import { scatterNdConfig } from './scatter-nd.js';
import { concatConfig } from './concat.js';
import { BufferPool } from './buffer-pool.js';
import { fusedNormConfigs } from './fused-norm.js';
import { fusedActivationConfigs } from './fused-activation.js';
import { fusedAttentionConfigs } from './fused-attention.js';

export const NATIVE_BACKEND = 'native';

/** The kernels the addon provides for 'native' (everything else is the cpu backend's). */
export function nativeKernels(addon: NativeAddon): KernelConfig[] {
  return [
    batchMatMulConfig(addon),
    fusedMatMulConfig(addon),
    softmaxConfig(addon),
    gatherNdConfig,
    scatterNdConfig,
    concatConfig,
    ...elementwiseConfigs(addon),
    ...layoutConfigs(addon),
    ...fusedNormConfigs(addon),
    ...fusedActivationConfigs(addon),
    ...fusedAttentionConfigs(addon),
  ];
}

function put(config: KernelConfig): void {
  const current = getKernel(config.kernelName, config.backendName);
  if (current?.kernelFunc === config.kernelFunc) return;
  if (current != null) unregisterKernel(config.kernelName, config.backendName);
  registerKernel(config);
}

let registered: NativeAddon | null = null;

/** The 'native' backend object: a cpu backend whose kernel outputs come from a {@link BufferPool}. */
export interface NativeBackendLike extends MathBackendCPU {
  readonly pool: BufferPool;
}

/** A cpu backend that tells its buffer pool when storage is written, read out, or deleted. */
function createNativeBackend(Base: typeof MathBackendCPU): NativeBackendLike {
  class NativeBackend extends Base implements NativeBackendLike {
    readonly pool = new BufferPool();
    override write(values: BackendValues, shape: number[], dtype: DataType): DataId {
      const id = super.write(values, shape, dtype);
      this.pool.track(values);
      return id;
    }
    override move(dataId: DataId, values: BackendValues, shape: number[], dtype: DataType, refCount: number): void {
      super.move(dataId, values, shape, dtype, refCount);
      this.pool.track(values);
    }
    override readSync(dataId: DataId): BackendValues {
      if (this.data.has(dataId)) this.pool.escape(this.data.get(dataId).values);
      return super.readSync(dataId);
    }
    override disposeData(dataId: DataId, force = false): boolean {
      // `has` first: DataStorage.get of an unknown id would pull the data over from another backend.
      const entry = this.data.has(dataId) ? this.data.get(dataId) : undefined;
      const done = super.disposeData(dataId, force);
      if (entry && !this.data.has(dataId)) this.pool.release(entry.values);
      return done;
    }
  }
  return new NativeBackend();
}

/**
 * Register the 'native' backend and its kernels (idempotent). Call after the cpu backend package
 * and the engine's cpu kernels are registered. Returns the addon, or the reason it is unavailable.
 */
export async function registerNativeBackend(): Promise<{ addon: NativeAddon } | { why: string }> {
  const loaded = loadNativeAddon();
  if (loaded.addon === null) return { why: loaded.why };
  if (registered === loaded.addon) return { addon: registered };
  const { MathBackendCPU } = await import('@tensorflow/tfjs-backend-cpu');
  if (tf.engine().registryFactory[NATIVE_BACKEND] == null) {
    // Priority below cpu's so tfjs never picks it on its own; initEngine selects it explicitly.
    tf.registerBackend(NATIVE_BACKEND, () => createNativeBackend(MathBackendCPU), 0);
  }
  for (const k of getKernelsForBackend('cpu')) put({ ...k, backendName: NATIVE_BACKEND });
  for (const k of nativeKernels(loaded.addon)) put(k);
  registered = loaded.addon;
  return { addon: registered };
}

/** Activate 'native'; the one-line description for the engine message. */
export async function activateNative(threads?: number | null): Promise<{ what: string } | { why: string }> {
  const r = await registerNativeBackend();
  if ('why' in r) return r;
  // `engine.threads` sets BLAS's and the row kernels' thread count (default: every core).
  if (threads != null && threads >= 1) r.addon.threads(Math.floor(threads));
  if (!(await tf.setBackend(NATIVE_BACKEND))) return { why: 'the native backend failed to initialise' };
  const info = r.addon.info();
  const blas = info.blas.trim().split(/\s+/).slice(0, 2).join(' ');
  return { what: `native (cpu tensors + ${blas} on ${info.threads} thread${info.threads === 1 ? '' : 's'})` };
}
