/**
 * Output-buffer reuse for the 'native' backend. A fresh `Float32Array` costs more than most
 * element-wise kernels that fill it: the allocator hands out new pages, every page faults on first
 * touch and is zeroed by the kernel (measured: 0.13 ms for a [256, 3072] multiply into a reused
 * array, 0.57–2 ms into a new one), and the garbage waits for V8's collector, which inflates peak
 * RSS. Training repeats the same shapes every step, so arrays released by disposed tensors are
 * kept by length and handed to the next kernel output of that length.
 *
 * Safety rules — an array is reused only when all of these hold:
 * - the pool allocated it ("pool-born"), so no caller outside the backend was ever given it;
 * - no live tensor references its buffer: every `write`/`move` into the backend counts one owner
 *   per buffer (views made by `subarray` share the buffer and count too), every deleted entry one
 *   less;
 * - it never escaped: `readSync`/`read` (`dataSync()`, `data()`) hand the live array to user code,
 *   which may keep it, so such buffers are never reused.
 */

import { totalmem } from 'node:os';

/** Counters for tests and the bench report. */
export interface BufferPoolStats {
  /** Outputs served from the pool. */
  hits: number;
  /** Outputs that needed a new array. */
  misses: number;
  /** Bytes currently held for reuse. */
  pooledBytes: number;
}

/**
 * Default cap on bytes held for reuse: an eighth of the machine's memory, between 512 MiB and
 * 4 GiB (a GPT-2-small full fine-tuning step recycles about 2 GiB; with a 1 GiB cap the step took
 * 1.8× as long). Env TUNEKIT_POOL_MB overrides; 0 disables reuse.
 */
export function defaultPoolLimit(env: NodeJS.ProcessEnv = process.env, totalBytes: number = totalmem()): number {
  const mb = env['TUNEKIT_POOL_MB'];
  if (mb !== undefined && mb !== '' && Number.isFinite(Number(mb)) && Number(mb) >= 0) return Math.floor(Number(mb) * 2 ** 20);
  return Math.min(4 * 2 ** 30, Math.max(2 ** 29, Math.floor(totalBytes / 8)));
}

/** Float32 output arrays reused by length; see the module comment for when reuse is safe. */
export class BufferPool {
  readonly #free = new Map<number, Float32Array[]>();
  /** Buffer → the whole array the pool allocated over it. */
  readonly #born = new WeakMap<ArrayBuffer, Float32Array>();
  readonly #escaped = new WeakSet<ArrayBuffer>();
  readonly #owners = new WeakMap<ArrayBuffer, number>();
  #bytes = 0;
  #hits = 0;
  #misses = 0;

  constructor(readonly limitBytes: number = defaultPoolLimit()) {}

  /** An array of `n` float32s for a kernel output: zeroed when `zero`, else arbitrary contents. */
  alloc(n: number, zero = false): Float32Array {
    const list = n > 0 ? this.#free.get(n) : undefined;
    const reused = list?.pop();
    if (reused) {
      this.#hits++;
      this.#bytes -= reused.byteLength;
      if (zero) reused.fill(0);
      return reused;
    }
    this.#misses++;
    const fresh = new Float32Array(n);
    if (n > 0 && this.limitBytes > 0) this.#born.set(fresh.buffer as ArrayBuffer, fresh);
    return fresh;
  }

  /** A backend entry now holds `values` (write / move). */
  track(values: unknown): void {
    const buffer = bufferOf(values);
    if (buffer) this.#owners.set(buffer, (this.#owners.get(buffer) ?? 0) + 1);
  }

  /** `values` was handed to code outside the backend: never reuse its buffer. */
  escape(values: unknown): void {
    const buffer = bufferOf(values);
    if (buffer) this.#escaped.add(buffer);
  }

  /** A backend entry holding `values` was deleted; keep the array for reuse when that is safe. */
  release(values: unknown): void {
    const buffer = bufferOf(values);
    if (!buffer) return;
    const left = (this.#owners.get(buffer) ?? 1) - 1;
    if (left > 0) {
      this.#owners.set(buffer, left);
      return;
    }
    this.#owners.delete(buffer);
    // The last owner may be a view (a slice); the whole buffer is free then, so the whole array returns.
    const array = this.#born.get(buffer);
    if (!array || this.#escaped.has(buffer)) return;
    if (this.#bytes + array.byteLength > this.limitBytes) return;
    let list = this.#free.get(array.length);
    if (!list) this.#free.set(array.length, (list = []));
    list.push(array);
    this.#bytes += array.byteLength;
  }

  /** Whether `values` was handed to code outside the backend (see {@link escape}). */
  isEscaped(values: unknown): boolean {
    const buffer = bufferOf(values);
    return buffer !== null && this.#escaped.has(buffer);
  }

  /** Drop every pooled array (the garbage collector frees them). */
  clear(): void {
    this.#free.clear();
    this.#bytes = 0;
  }

  stats(): BufferPoolStats {
    return { hits: this.#hits, misses: this.#misses, pooledBytes: this.#bytes };
  }
}

function bufferOf(values: unknown): ArrayBuffer | null {
  if (!ArrayBuffer.isView(values)) return null;
  const buffer = values.buffer;
  return buffer instanceof ArrayBuffer ? buffer : null;
}

/**
 * A float32 array of `n` elements for a kernel's output: from the native backend's pool (contents
 * arbitrary unless `zero`), or a new zeroed array on a backend without one.
 */
export function outputArray(backend: object, n: number, zero = false): Float32Array {
  const pool = (backend as { pool?: BufferPool }).pool;
  return pool instanceof BufferPool ? pool.alloc(n, zero) : new Float32Array(n);
}
