import type { Example, RowRef } from './format.js';
import { permutation, seededRandom } from './shuffle.js';

/** An example with its origin. */
export interface TaggedExample {
  example: Example;
  ref: RowRef;
  dataset: number;
}

/** Number of validation examples: a fraction in [0,1) (rounded up, as HF's train_test_split) or a count. */
export function valCount(valSetSize: number, n: number): number {
  if (valSetSize <= 0) return 0;
  if (valSetSize >= 1) return Math.floor(valSetSize);
  return Math.ceil(valSetSize * n);
}

/**
 * Split off the validation set, then mix the training part by weight.
 *
 * - Order: file order within a dataset, datasets in recipe order; with `shuffle`, a permutation seeded by `seed`.
 * - Validation: the last `valCount` examples of that order (HF `train_test_split(shuffle=False)` takes the
 *   tail too), taken before weighting so an upsampled example never sits in both splits.
 * - Weight w: a dataset contributes round(w × its training examples) per epoch — floor(w) full copies
 *   plus a seeded sample (without replacement, in original order) for the fraction. With `shuffle`
 *   the mixed training set is shuffled again so datasets interleave.
 */
export function splitAndMix(perDataset: readonly TaggedExample[][], weights: readonly number[], valSetSize: number, shuffle: boolean, seed: number): { train: TaggedExample[]; val: TaggedExample[] } {
  const rand = seededRandom(seed);
  const all = perDataset.flat();
  const order = shuffle ? permutation(all.length, rand).map((i) => all[i]!) : all;
  const nVal = Math.min(valCount(valSetSize, all.length), all.length);
  const val = order.slice(order.length - nVal);
  const trainUnweighted = order.slice(0, order.length - nVal);
  if (weights.every((w) => w === 1)) return { train: trainUnweighted, val };
  const byDataset = perDataset.map(() => [] as TaggedExample[]);
  for (const t of trainUnweighted) byDataset[t.dataset]!.push(t);
  let train: TaggedExample[] = [];
  byDataset.forEach((list, d) => {
    const w = weights[d] ?? 1;
    const whole = Math.floor(w);
    for (let c = 0; c < whole; c++) train.push(...list);
    const extra = Math.round(w * list.length) - whole * list.length;
    if (extra > 0) {
      const pick = permutation(list.length, rand).slice(0, extra).sort((a, b) => a - b);
      for (const i of pick) train.push(list[i]!);
    }
  });
  if (shuffle) train = permutation(train.length, rand).map((i) => train[i]!);
  return { train, val };
}
