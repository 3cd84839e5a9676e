/**
 * Loading the wasm backend in Node: point it at its .wasm files (resolved from the installed
 * package, so a bundled or relocated tunekit still finds them) and install the heap guard.
 *
 * Threads: tfjs 4.22 reports WASM_HAS_MULTITHREAD_SUPPORT=false whenever IS_NODE (upstream issue
 * #3830), so Node always runs the single-threaded SIMD build; XNNPACK runs on one core.
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { installHeapGuard } from './heap-guard.js';
import { asWasmBackend, type WasmBackend } from './internals.js';

/** Details of the loaded wasm backend, for the engine's message. */
export interface WasmDetails {
  simd: boolean;
  threads: number;
  wasmDir: string;
}

interface WasmPackage {
  setWasmPaths(prefix: string): void;
  getThreadsCount(): number;
}

let pathsSet = false;

/** Directory holding tfjs-backend-wasm's .wasm binaries (with a trailing slash). */
export function wasmBinaryDir(): string {
  const require = createRequire(import.meta.url);
  return `${dirname(require.resolve('@tensorflow/tfjs-backend-wasm'))}/`;
}

/** Initialise (once) and activate the wasm backend; returns the backend and its details. */
export async function activateWasm(): Promise<{ backend: WasmBackend; details: WasmDetails }> {
  const pkg = (await import('@tensorflow/tfjs-backend-wasm')) as unknown as WasmPackage;
  const wasmDir = wasmBinaryDir();
  if (!pathsSet && tf.engine().registry['wasm'] == null) {
    pkg.setWasmPaths(wasmDir);
    pathsSet = true;
  }
  const ok = await tf.setBackend('wasm');
  if (!ok) throw new Error('the wasm backend failed to initialise');
  const backend = asWasmBackend(tf.backend());
  installHeapGuard(backend.wasm);
  const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true;
  return { backend, details: { simd, threads: pkg.getThreadsCount(), wasmDir } };
}
