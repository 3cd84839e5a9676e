/**
 * Activation checkpointing (recompute-in-backward), as torch.utils.checkpoint does it.
 *
 * The forward pass runs without recording and keeps only the inputs; the backward pass recomputes
 * the block under its own tape and backpropagates through it. tfjs has one engine-wide active tape:
 * an inner gradient computation started while the outer backward pass runs would replace it (and
 * then null it), so the outer pass crashes and leaks its saved tensors. The wrapper saves the
 * outer tape before the inner computation and puts it back afterwards.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';

interface EngineTapeState {
  state: { activeTape: unknown; gradientDepth: number };
  gradients(
    f: () => Tensor,
    xs: Tensor[],
    dy?: Tensor,
    allowNoGradients?: boolean,
  ): { value: Tensor; grads: (Tensor | undefined)[] };
}

/**
 * Wrap `fn` so its intermediates are freed after the forward pass and recomputed for the backward
 * pass. Every tensor `fn` depends on — including the block's weights — must be passed as an
 * argument, because gradients flow only to arguments. `fn` must be deterministic (seeded dropout).
 *
 * @example
 * const block = checkpointActivations((x, w1, w2) => tf.matMul(tf.relu(tf.matMul(x, w1)), w2));
 * const y = block(x, w1, w2); // inside tf.variableGrads / optimizer.minimize as usual
 */
export function checkpointActivations<Args extends Tensor[]>(fn: (...args: Args) => Tensor): (...args: Args) => Tensor {
  const wrapped = tf.customGrad((...all: unknown[]) => {
    const save = all[all.length - 1] as (tensors: Tensor[]) => void;
    const inputs = all.slice(0, -1) as Args;
    // Forward without the intermediates: tidy frees them now instead of at the caller's scope end.
    const value = tf.tidy(() => fn(...inputs));
    save(inputs);
    const gradFunc = (dy: Tensor, saved: Tensor[]): Tensor[] => {
      const engine = tf.engine() as unknown as EngineTapeState;
      const outerTape = engine.state.activeTape;
      const outerDepth = engine.state.gradientDepth;
      engine.state.gradientDepth = 0;
      try {
        const { value: recomputed, grads } = engine.gradients(() => fn(...(saved as Args)), saved, dy, true);
        recomputed.dispose();
        return saved.map((x, i) => grads[i] ?? tf.zerosLike(x));
      } finally {
        engine.state.activeTape = outerTape;
        engine.state.gradientDepth = outerDepth;
      }
    };
    return { value, gradFunc };
  });
  return (...args: Args) => wrapped(...args) as Tensor;
}
