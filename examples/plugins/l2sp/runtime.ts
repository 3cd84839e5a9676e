/** L2-SP's tensor side: θ₀ kept as tensors, the term built inside the gradient computation. */
import { type CausalLM, type LossInput, type LossTerms, type RunContext, tf } from 'tunekit';
import { lambdaOf } from './settings.js';

export interface L2spRuntime {
  lossTerms(terms: LossTerms, input: LossInput): LossTerms;
  dispose(): void;
}

/**
 * Keep θ₀ for the parameters the plan trains. Called from `prepareModel`, after the method plugins
 * built the model and before a resumed run restores its checkpoint.
 */
export async function l2spRuntime(model: CausalLM, ctx: RunContext): Promise<L2spRuntime> {
  const lambda = lambdaOf(ctx.recipe);
  const trained = new Set(ctx.plan.tensors.filter((t) => t.trainable).map((t) => t.name));
  const theta0 = new Map<string, tf.Tensor>();
  for (const [name, p] of model.namedParameters()) if (trained.has(name)) theta0.set(name, tf.tensor((await p.data()).slice(), p.shape));
  ctx.log(`l2sp: λ = ${lambda}, θ₀ kept for ${theta0.size} trainable tensors`);
  return {
    lossTerms(terms, input) {
      const parts: tf.Scalar[] = [];
      for (const [name, p] of input.params) {
        const start = theta0.get(name);
        if (start) parts.push(tf.sum(tf.square(tf.sub(p.value, start))));
      }
      if (parts.length) terms.set('l2sp', tf.mul(tf.addN(parts), lambda / input.microBatches));
      return terms;
    },
    dispose() {
      for (const t of theta0.values()) t.dispose();
      theta0.clear();
    },
  };
}
