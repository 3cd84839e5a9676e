/**
 * Token cross-entropy `logsumexp(x_r) − x_r[t_r]` per row of `[rows, vocab]` logits, with gradient
 * `dy_r·(softmax(x_r) − onehot(t_r))`. On the native backend forward and backward are one addon
 * pass each (one output array, no log-softmax / exp / one-hot temporaries of vocab width); on every
 * other backend it is the log-softmax + gather composition. The models' loss (src/models/loss.ts)
 * uses it.
 *
 * @example
 * const per = tokenCrossEntropy(logits2d, Int32Array.from(targets)); // [rows]
 */
import * as tf from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { loadNativeAddon } from './addon.js';
import { f32 } from './mat-mul.js';
import { NATIVE_BACKEND } from './backend.js';
import { outputArray } from './buffer-pool.js';

function composed(x: tf.Tensor2D, targets: Int32Array): tf.Tensor1D {
  const [rows] = x.shape;
  const idx = tf.tensor2d(Array.from(targets).flatMap((t, i) => [i, t]), [rows, 2], 'int32');
  try {
    return tf.neg(tf.gatherND(tf.logSoftmax(x), idx)) as tf.Tensor1D;
  } finally {
    idx.dispose();
  }
}

/** Per-row token losses `[rows]` of logits `[rows, vocab]` and integer targets (each in [0, vocab)). */
export function tokenCrossEntropy(logits: tf.Tensor2D, targets: Int32Array): tf.Tensor1D {
  const addon = loadNativeAddon().addon;
  if (addon === null || tf.getBackend() !== NATIVE_BACKEND || logits.dtype !== 'float32') return composed(logits, targets);
  const [rows, cols] = logits.shape;
  if (targets.length !== rows) throw new Error(`tokenCrossEntropy: ${targets.length} targets for ${rows} rows`);
  const op = tf.customGrad(((x: tf.Tensor, save: tf.GradSaveFunc) => {
    const backend = tf.backend() as MathBackendCPU;
    const losses = new Float32Array(rows);
    addon.crossEntropy(f32(backend, x), targets, losses, null, rows, cols, 1);
    save([x]);
    return {
      value: tf.tensor1d(losses),
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const b = tf.backend() as MathBackendCPU;
        const dx = outputArray(b, rows * cols);
        const scratch = new Float32Array(rows);
        addon.crossEntropy(f32(b, saved[0]!), targets, scratch, dx, rows, cols, f32(b, dy as tf.Tensor));
        return tf.tensor2d(dx, [rows, cols]);
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return op(logits) as tf.Tensor1D;
}
