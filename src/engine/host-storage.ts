/**
 * Direct access to a tensor's float32 storage on the backends that keep tensors in host memory
 * ('cpu' and 'native'), so fused host-side updates (the optimizer step, the gradient norm) can work
 * in place instead of through a dozen tfjs ops that each allocate a full-size output.
 *
 * tfjs lets several tensors share one storage (a variable and the tensor it was made from, clones,
 * reshapes) and counts those references in the backend. Writing in place is only safe when the
 * storage has one owner, so {@link ownedStorage} copies first when it is shared (copy on write).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { loadNativeAddon, type NativeAddon } from './native/addon.js';
import { NATIVE_BACKEND } from './native/backend.js';
import type { BufferPool } from './native/buffer-pool.js';
import { BINARY_OPS, broadcastLayout } from './native/elementwise.js';
import { f32 } from './native/mat-mul.js';

/** True when the active backend keeps tensors in host typed arrays. */
export function hostStorageBackend(): boolean {
  const name = tf.getBackend();
  return name === 'cpu' || name === NATIVE_BACKEND;
}

/** The native addon when it drives the active backend (its kernels apply), else null. */
export function activeNativeAddon(): NativeAddon | null {
  if (tf.getBackend() !== NATIVE_BACKEND) return null;
  return loadNativeAddon().addon;
}

/**
 * The live float32 storage of `t` (no copy) on a host-storage backend, or null elsewhere. Read it
 * only; writing would change every tensor that shares the storage.
 */
export function storageOf(t: tf.Tensor): Float32Array | null {
  if (t.dtype !== 'float32' || !hostStorageBackend()) return null;
  const backend = tf.backend() as MathBackendCPU;
  return backend.data.get(t.dataId)?.values == null ? null : f32(backend, t);
}

/** Whether the native engine handed `values` out to code outside the backend (`dataSync()`, `data()`). */
function handedOut(values: Float32Array): boolean {
  return (tf.backend() as { pool?: BufferPool }).pool?.isEscaped(values) ?? false;
}

const owned = new WeakMap<tf.Variable, Float32Array>();

/**
 * The storage of variable `v`, owned by `v` alone so it may be written in place. The first call
 * for a variable (and any call after its storage became shared, e.g. by `tf.clone`, or was handed
 * out by `dataSync()` on the native engine) moves it to a fresh array that nothing else
 * references — tensors made with `tf.tensor(array)` keep the caller's array, which must not change
 * behind the caller's back.
 */
export function ownedStorage(v: tf.Variable): Float32Array | null {
  const values = storageOf(v);
  if (values === null) return null;
  const backend = tf.backend() as MathBackendCPU;
  // An array handed out by dataSync()/data() (a checkpoint being written, a plugin reading weights)
  // is a snapshot to its holder: the next update moves to a fresh array instead of changing it.
  if (owned.get(v) === values && backend.refCount(v.dataId) === 1 && !handedOut(values)) return values;
  const copy = tf.tensor(Float32Array.from(values), v.shape, 'float32');
  v.assign(copy);
  copy.dispose();
  const fresh = storageOf(v) as Float32Array;
  owned.set(v, fresh);
  return fresh;
}

/**
 * Declare that `v`'s current storage belongs to `v` alone — for variables whose host array the
 * creator has dropped (a model built from a weights map nobody keeps) — so the first in-place
 * update does not copy it. Ignored when the storage is shared between tensors.
 */
export function adoptStorage(v: tf.Variable): void {
  const values = storageOf(v);
  if (values !== null && (tf.backend() as MathBackendCPU).refCount(v.dataId) === 1) owned.set(v, values);
}

/**
 * A variable over `values` (taken, not copied) that {@link ownedStorage} knows it owns, so it is
 * never copied on first write. The caller must not keep `values`.
 */
export function ownedVariable(values: Float32Array, shape: readonly number[]): tf.Variable {
  const t = tf.tensor(values, shape.slice(), 'float32');
  const v = tf.variable(t, false);
  t.dispose();
  if (storageOf(v) === values) owned.set(v, values);
  return v;
}

/**
 * `acc += x` in place when that is invisible to everyone else: the native engine, float32 tensors
 * of one shape, `acc`'s storage referenced by `acc` alone and never handed out (`dataSync`). Returns
 * false (and changes nothing) otherwise. The backward pass uses it to accumulate gradients.
 */
export function addInPlace(acc: tf.Tensor, x: tf.Tensor): boolean {
  const addon = activeNativeAddon();
  if (!addon || acc.dtype !== 'float32' || x.dtype !== 'float32' || !tf.util.arraysEqual(acc.shape, x.shape) || acc.size === 0) return false;
  if ((tf.backend() as MathBackendCPU).refCount(acc.dataId) !== 1 || acc.dataId === x.dataId) return false;
  const a = storageOf(acc);
  const b = storageOf(x);
  if (!a || !b || a.buffer === b.buffer || handedOut(a)) return false;
  addon.binary(BINARY_OPS['Add']!, a, b, a, broadcastLayout(acc.shape, x.shape, acc.shape));
  return true;
}
