/**
 * Per-step randomness (dropout masks) derived from (seed, step, micro-batch, layer), so a run
 * resumed at step k draws exactly the masks the uninterrupted run drew — the "RNG state" is just the
 * step — and a layer recomputed by gradient checkpointing draws the same mask again.
 */
export class SeedStream {
  #step = 0;
  #micro = 0;
  constructor(readonly seed: number) {}

  /** Start the draws of optimizer step `step`. */
  beginStep(step: number): void {
    this.#step = step;
    this.#micro = 0;
  }

  /** Start micro-batch `i` of the current step. */
  beginMicroBatch(i: number): void {
    this.#micro = i;
  }

  /** The 31-bit seed of the random op named `key` (e.g. a module path) in the current micro-batch. */
  seedFor(key: string): number {
    let h = (this.seed ^ 0x9e3779b9) >>> 0;
    const mix = (v: number): void => {
      h = Math.imul(h ^ v, 0x85ebca6b) >>> 0;
      h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
      h = (h ^ (h >>> 16)) >>> 0;
    };
    mix(this.#step);
    mix(this.#micro);
    for (let i = 0; i < key.length; i++) mix(key.charCodeAt(i));
    return h & 0x7fffffff;
  }

  get step(): number {
    return this.#step;
  }
}
