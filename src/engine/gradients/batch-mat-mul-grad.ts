/**
 * BatchMatMul's gradient with broadcast batch dimensions. tfjs' own returns a per-batch gradient
 * for an operand that was broadcast (`x[B,T,C]·W[C,N]` gives dW the shape [B,C,N] and the tape
 * rejects it), so every layer applied to a batched activation would fail to train. Here the
 * broadcast dimensions are summed away, and the common case of a shared weight is done as one
 * 2-D product (`x` flattened to [B·T, C]) instead of B products and a sum.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { GradConfig, NamedAttrMap, Tensor } from '@tensorflow/tfjs-core';

/** Sum `g` over the batch axes `shape` was broadcast along, then give it `shape`. */
function reduceTo(g: Tensor, shape: number[]): Tensor {
  if (g.shape.length === shape.length && g.shape.every((d, i) => d === shape[i])) return g;
  const rank = g.shape.length;
  const padded = [...new Array<number>(Math.max(0, rank - shape.length)).fill(1), ...shape];
  const axes: number[] = [];
  for (let d = 0; d < rank - 2; d++) if (padded[d] === 1 && g.shape[d] !== 1) axes.push(d);
  const summed = axes.length > 0 ? tf.sum(g, axes, true) : g;
  return tf.reshape(summed, shape);
}

const batchSize = (t: Tensor): number => t.shape.slice(0, -2).reduce((p, d) => p * d, 1);

/** Gradient of B when B is shared by the whole batch of A (a weight) and A is not transposed. */
function sharedWeightGrad(a: Tensor, b: Tensor, dy: Tensor, transposeB: boolean): Tensor {
  const k = a.shape[a.shape.length - 1]!;
  const n = dy.shape[dy.shape.length - 1]!;
  const a2 = tf.reshape(a, [-1, k]);
  const dy2 = tf.reshape(dy, [-1, n]);
  const g = transposeB ? tf.matMul(dy2, a2, true, false) : tf.matMul(a2, dy2, true, false);
  return tf.reshape(g, b.shape);
}

export const batchMatMulGradConfig: GradConfig = {
  kernelName: 'BatchMatMul',
  inputsToSave: ['a', 'b'],
  gradFunc: (dyIn: Tensor | Tensor[], saved: Tensor[], attrs?: NamedAttrMap) => {
    const dy = dyIn as Tensor;
    const [a, b] = saved as [Tensor, Tensor];
    const transposeA = attrs?.['transposeA'] === true;
    const transposeB = attrs?.['transposeB'] === true;
    const sharedB = batchSize(b) === 1 && batchSize(a) > 1 && !transposeA;
    let da: () => Tensor;
    let db: () => Tensor;
    if (!transposeA && !transposeB) {
      da = () => tf.matMul(dy, b, false, true);
      db = () => tf.matMul(a, dy, true, false);
    } else if (!transposeA && transposeB) {
      da = () => tf.matMul(dy, b, false, false);
      db = () => tf.matMul(dy, a, true, false);
    } else if (transposeA && !transposeB) {
      da = () => tf.matMul(b, dy, false, true);
      db = () => tf.matMul(a, dy, false, false);
    } else {
      da = () => tf.matMul(b, dy, true, true);
      db = () => tf.matMul(dy, a, true, true);
    }
    return {
      a: () => reduceTo(da(), a.shape),
      b: () => (sharedB ? sharedWeightGrad(a, b, dy, transposeB) : reduceTo(db(), b.shape)),
    };
  },
};
