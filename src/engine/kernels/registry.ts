/**
 * The engine's kernel registry: kernels tfjs' wasm backend lacks or runs slowly, registered
 * explicitly by {@link registerEngineKernels} (initEngine calls it; importing has no effect).
 */
import { getKernel, registerKernel, unregisterKernel, type KernelConfig } from '@tensorflow/tfjs-core';
import { batchMatMulConfig } from './batch-mat-mul.js';
import { captureStockCpuBatchMatMul, cpuBatchMatMulConfig } from './cpu-batch-mat-mul.js';
import { fusedMatMulConfig } from './fused-mat-mul.js';
import { unsortedSegmentSumConfig } from './unsorted-segment-sum.js';

/** Every kernel the engine adds or replaces, by `kernelName@backendName`. */
export const ENGINE_KERNELS: readonly KernelConfig[] = [
  batchMatMulConfig,
  fusedMatMulConfig,
  unsortedSegmentSumConfig,
  cpuBatchMatMulConfig,
];

/**
 * Register the engine's kernels, replacing stock ones of the same name (unregistering first so
 * tfjs does not warn). Idempotent. Returns the names registered.
 */
export function registerEngineKernels(): string[] {
  const names: string[] = [];
  captureStockCpuBatchMatMul();
  for (const config of ENGINE_KERNELS) {
    const current = getKernel(config.kernelName, config.backendName);
    if (current?.kernelFunc !== config.kernelFunc) {
      if (current != null) unregisterKernel(config.kernelName, config.backendName);
      registerKernel(config);
    }
    names.push(`${config.kernelName}@${config.backendName}`);
  }
  return names;
}
