/**
 * Guards the wasm heap so that running out fails loudly instead of computing garbage.
 *
 * On wasm32 the heap stops at 4 GiB; emscripten's `malloc` then returns 0 and tfjs registers the
 * tensor at address 0, and XNNPACK prints "XNN status 6" (out of memory) and skips the product.
 * Two detectors turn these into an ENGINE_WASM_HEAP TuneError:
 * 1. `_malloc` is wrapped: a 0 result, or a block ending inside the top `reserveBytes` of the
 *    heap (kept free for XNNPACK's packed weights and C++ scratch, which bypass this wrapper), throws.
 * 2. The engine's matmul kernels mark the first output element with a sentinel NaN before each
 *    XNNPACK call and check it afterwards ({@link markXnnOutput}, {@link assertXnnWrote}):
 *    XNNPACK's "status 6" message itself sits in emscripten's stderr buffer until the process
 *    exits, so it cannot be watched.
 */
import { formatBytes, wasmHeapError, WASM_HEAP_MAX_BYTES } from './heap-error.js';
import type { WasmModule } from './internals.js';

/** Limits the guard enforces. */
export interface HeapGuardOptions {
  /** Heap size the guard treats as the cap (default: the real wasm32 cap, 4 GiB − 64 KiB). */
  limitBytes?: number;
  /** Top part of the heap kept free for allocations made inside C++ (default 64 MiB). */
  reserveBytes?: number;
}

const settings = { limitBytes: WASM_HEAP_MAX_BYTES, reserveBytes: 64 * 2 ** 20 };
const guarded = new WeakMap<WasmModule, { allocated: Map<number, number>; total: number }>();

/** Change the guard's limits (tests use a small limit to exhaust the heap quickly). */
export function configureHeapGuard(opts: HeapGuardOptions): void {
  if (opts.limitBytes !== undefined) settings.limitBytes = Math.min(opts.limitBytes, WASM_HEAP_MAX_BYTES);
  if (opts.reserveBytes !== undefined) settings.reserveBytes = opts.reserveBytes;
}

/** The guard's current limits. */
export function heapGuardSettings(): Required<HeapGuardOptions> {
  return { ...settings };
}

/** Wrap the module's malloc/free once. Idempotent. */
export function installHeapGuard(wasm: WasmModule): void {
  if (guarded.has(wasm)) return;
  const state = { allocated: new Map<number, number>(), total: 0 };
  guarded.set(wasm, state);
  // emscripten's Module._malloc is a lazy stub that, on its first call, overwrites itself with the
  // raw export — which would also overwrite this wrapper. Wrap the raw exports instead.
  const asm = (wasm as unknown as { asm?: Record<string, unknown> }).asm;
  const malloc = (typeof asm?.['malloc'] === 'function' ? asm['malloc'] : wasm._malloc.bind(wasm)) as (n: number) => number;
  const free = (typeof asm?.['free'] === 'function' ? asm['free'] : wasm._free.bind(wasm)) as (p: number) => void;
  wasm._malloc = (bytes: number): number => {
    const ptr = malloc(bytes) >>> 0;
    if (bytes > 0 && ptr === 0) {
      throw wasmHeapError(state.total + bytes, settings.limitBytes, `while allocating a ${formatBytes(bytes)} tensor (malloc failed)`);
    }
    if (bytes > 0 && ptr + bytes > settings.limitBytes - settings.reserveBytes) {
      free(ptr);
      throw wasmHeapError(
        state.total + bytes + settings.reserveBytes,
        settings.limitBytes,
        `while allocating a ${formatBytes(bytes)} tensor (tensors + ${formatBytes(settings.reserveBytes)} reserve would pass the cap)`,
      );
    }
    state.allocated.set(ptr, bytes);
    state.total += bytes;
    return ptr;
  };
  wasm._free = (ptr: number): void => {
    const p = ptr >>> 0;
    const bytes = state.allocated.get(p);
    if (bytes !== undefined) {
      state.total -= bytes;
      state.allocated.delete(p);
    }
    free(ptr);
  };
}

/** Bytes currently allocated through the guarded malloc (tensor buffers), or 0 if unguarded. */
export function guardedBytes(wasm: WasmModule): number {
  return guarded.get(wasm)?.total ?? 0;
}

/**
 * A NaN with a payload no arithmetic produces, written into the first element of an XNNPACK
 * output before the call. XNNPACK's fully-connected path writes every output element or — when it
 * cannot allocate its packed weights ("XNN status 6") — returns without writing anything, so the
 * sentinel surviving the call means the product was skipped.
 */
const SENTINEL_BITS = 0x7fa00bad;

/** Mark the float at byte offset `outOffset` before an XNNPACK call. */
export function markXnnOutput(wasm: WasmModule, outOffset: number): void {
  new Uint32Array(wasm.HEAPU8.buffer, outOffset, 1)[0] = SENTINEL_BITS;
}

/**
 * Throw ENGINE_WASM_HEAP if the XNNPACK call that wrote (or should have written) the float at
 * `outOffset` left the sentinel in place. `packBytes` is the size of the weights it had to pack.
 */
export function assertXnnWrote(wasm: WasmModule, outOffset: number, packBytes: number): void {
  if (new Uint32Array(wasm.HEAPU8.buffer, outOffset, 1)[0] !== SENTINEL_BITS) return;
  const used = Math.max(wasm.HEAPU8.buffer.byteLength, guardedBytes(wasm));
  throw wasmHeapError(used + packBytes, settings.limitBytes, 'during a matrix product (XNNPACK could not allocate its packed weights: "XNN status 6")');
}
