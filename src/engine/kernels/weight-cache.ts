/**
 * XNNPACK packed copies for weights used as a *transposed* B (`x·Wᵀ` with W in Hugging Face's
 * [out, in] layout, or a tied LM head `h·wteᵀ`).
 *
 * XNNPACK packs B once and caches the packed copy under B's tensor id, but only for a B it gets
 * untransposed. A transposed B would otherwise be transposed and re-packed on every call — for a
 * 50257×768 LM head that is ~300 MB of memory traffic per generated token. The second time the
 * same buffer is seen as a transposed B, it is transposed once into a temporary tensor, registered
 * under an extra *virtual* id, multiplied (which packs and caches it), and the temporary buffer is
 * freed: from then on the virtual id only keys XNNPACK's packed copy (the C++ never reads a cached
 * B's buffer again). When the weight is disposed, the virtual id is unregistered, which deletes the
 * packed copy. Fresh activations (attention keys) are never seen twice and never cached; trainable
 * weights get a new buffer every optimizer step and so are not cached either.
 */
import type { DataId } from '@tensorflow/tfjs-core';
import type { WasmBackend } from '../wasm/internals.js';

interface CacheState {
  seen: WeakSet<DataId>;
  virtual: Map<DataId, number>;
}

const states = new WeakMap<WasmBackend, CacheState>();

function stateFor(backend: WasmBackend): CacheState {
  let state = states.get(backend);
  if (state !== undefined) return state;
  const s: CacheState = { seen: new WeakSet(), virtual: new Map() };
  states.set(backend, s);
  const dispose = backend.disposeData.bind(backend);
  backend.disposeData = (dataId: DataId, force?: boolean): boolean => {
    const released = dispose(dataId, force);
    const v = released ? s.virtual.get(dataId) : undefined;
    if (v !== undefined) {
      s.virtual.delete(dataId);
      backend.wasm.tfjs.disposeData(v);
    }
    return released;
  };
  state = s;
  return state;
}

/** The virtual id holding B's packed transposed copy, if one exists. */
export function cachedTransposedWeight(backend: WasmBackend, b: DataId): number | undefined {
  return stateFor(backend).virtual.get(b);
}

/** Record a sighting of `b` as a transposed B; true when it has been seen before (cache it now). */
export function shouldCacheTransposed(backend: WasmBackend, b: DataId): boolean {
  const { seen } = stateFor(backend);
  if (seen.has(b)) return true;
  seen.add(b);
  return false;
}

/** Remember `virtualId` as the packed transposed copy of `b`. */
export function rememberTransposedWeight(backend: WasmBackend, b: DataId, virtualId: number): void {
  stateFor(backend).virtual.set(b, virtualId);
}

/** Number of cached packed transposed weights (for tests and memory reports). */
export function transposedWeightCount(backend: WasmBackend): number {
  return stateFor(backend).virtual.size;
}
