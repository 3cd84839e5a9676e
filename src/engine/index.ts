/**
 * Backend selection. PROVISIONAL minimal version: sets the cpu or wasm backend. The engine work
 * extends it (auto order tfjs-node-gpu → tfjs-node → wasm → cpu, extra kernels, heap guard)
 * behind the same exported API.
 */
import * as tf from '@tensorflow/tfjs-core';

export type BackendName = 'auto' | 'tensorflow' | 'wasm' | 'cpu';

export interface EngineInfo {
  backend: Exclude<BackendName, 'auto'>;
  reason: string;
}

/** Initialise TensorFlow.js with the requested backend and return which one is active and why. */
export async function initEngine(requested: BackendName = 'auto'): Promise<EngineInfo> {
  if (requested === 'wasm' || requested === 'auto') {
    await import('@tensorflow/tfjs-backend-wasm');
    await tf.setBackend('wasm');
    await tf.ready();
    return { backend: 'wasm', reason: requested === 'auto' ? 'auto: wasm (provisional)' : 'requested' };
  }
  await import('@tensorflow/tfjs-backend-cpu');
  await tf.setBackend('cpu');
  await tf.ready();
  return { backend: 'cpu', reason: 'requested' };
}

export { tf };
