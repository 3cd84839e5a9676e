/**
 * Per-step randomness (dropout masks) derived from (seed, step, call index), so a run resumed at
 * step k draws exactly the masks the uninterrupted run drew: the "RNG state" is just the step.
 */
export class SeedStream {
  #step = 0;
  #calls = 0;
  constructor(readonly seed: number) {}

  /** Start the draws of optimizer step `step`. */
  beginStep(step: number): void {
    this.#step = step;
    this.#calls = 0;
  }

  /** A fresh 31-bit seed for the next random op of the current step. */
  next(): number {
    let h = (this.seed ^ 0x9e3779b9) >>> 0;
    for (const v of [this.#step, this.#calls++]) {
      h = Math.imul(h ^ v, 0x85ebca6b) >>> 0;
      h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
      h = (h ^ (h >>> 16)) >>> 0;
    }
    return h & 0x7fffffff;
  }

  get step(): number {
    return this.#step;
  }
}
