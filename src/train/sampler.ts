import { Rng } from '../models/prng.js';
import type { Batch } from './batch.js';

/** A position in the data stream: the epoch and the index of the next micro-batch in its order. */
export interface DataPosition {
  epoch: number;
  batch: number;
}

export interface SamplerOptions<E> {
  examples: readonly E[];
  microBatchSize: number;
  accumulation: number;
  seed: number;
  shuffle: boolean;
  collate: (rows: E[]) => Batch;
}

/**
 * Deterministic epoch orders and step grouping. Epoch e is shuffled with a seed derived from
 * (seed, e), so any position can be re-entered exactly on resume. An optimizer step takes up to
 * `accumulation` micro-batches; the last step of an epoch may take fewer (as HF's Trainer does).
 */
export class StepSampler<E> {
  readonly microBatchesPerEpoch: number;
  readonly stepsPerEpoch: number;
  #order: number[] = [];
  #orderEpoch = -1;

  constructor(private readonly o: SamplerOptions<E>) {
    this.microBatchesPerEpoch = Math.ceil(o.examples.length / o.microBatchSize);
    this.stepsPerEpoch = Math.ceil(this.microBatchesPerEpoch / o.accumulation);
  }

  /** Example indices of epoch `e` in training order. */
  order(e: number): number[] {
    if (this.#orderEpoch !== e) {
      const idx = this.o.examples.map((_, i) => i);
      if (this.o.shuffle) {
        const rng = new Rng((this.o.seed * 1000003 + e) >>> 0);
        for (let i = idx.length - 1; i > 0; i--) {
          const j = Math.floor(rng.uniform() * (i + 1));
          [idx[i], idx[j]] = [idx[j] as number, idx[i] as number];
        }
      }
      this.#order = idx;
      this.#orderEpoch = e;
    }
    return this.#order;
  }

  /** The micro-batches of the step starting at `pos`, and the position after it. */
  step(pos: DataPosition): { micro: Batch[]; next: DataPosition; epochProgress: number } {
    let { epoch, batch } = pos;
    if (batch >= this.microBatchesPerEpoch) {
      epoch += 1;
      batch = 0;
    }
    const order = this.order(epoch);
    const micro: Batch[] = [];
    const end = Math.min(this.microBatchesPerEpoch, batch + this.o.accumulation);
    for (let b = batch; b < end; b++) {
      const rows = order.slice(b * this.o.microBatchSize, (b + 1) * this.o.microBatchSize).map((i) => this.o.examples[i] as E);
      micro.push(this.o.collate(rows));
    }
    return { micro, next: { epoch, batch: end }, epochProgress: epoch + end / this.microBatchesPerEpoch };
  }
}
