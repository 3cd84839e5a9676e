import { tf } from '../engine/index.js';
import type { CausalLM } from '../models/causal-lm.js';
import { causalLmLossFromHidden } from '../models/loss.js';
import { type Batch, countLossTokens } from './batch.js';

export interface StepResult {
  /** Mean token loss over the whole accumulated batch (what HF logs). */
  loss: number;
  lossTokens: number;
  /** Summed gradients by trainable parameter name (caller disposes). */
  grads: Map<string, tf.Tensor>;
}

/** The forward pass options for a batch. */
export function forwardOptions(b: Batch): Parameters<CausalLM['forward']>[1] {
  return {
    attentionMask: b.attention_mask,
    ...(b.position_ids ? { positionIds: b.position_ids } : {}),
    ...(b.segment_ids ? { segmentIds: b.segment_ids } : {}),
  };
}

/**
 * Loss and gradients of one optimizer step over its micro-batches. Each micro-batch's summed token
 * loss is divided by the token count of the WHOLE accumulated batch (HF `num_items_in_batch`), so
 * accumulation over k micro-batches equals one big batch exactly, however the tokens are spread.
 */
export function accumulateGradients(
  model: CausalLM,
  params: readonly { name: string; variable: tf.Variable }[],
  micro: readonly Batch[],
  beginMicroBatch?: (i: number) => void,
): StepResult {
  const total = micro.reduce((n, b) => n + countLossTokens(b.labels), 0);
  const grads = new Map<string, tf.Tensor>();
  let loss = 0;
  const vars = params.map((p) => p.variable);
  const nameOf = new Map(params.map((p) => [p.variable.name, p.name]));
  for (const [i, b] of micro.entries()) {
    if (countLossTokens(b.labels) === 0) continue;
    beginMicroBatch?.(i);
    // The head runs only on positions that carry a label (prompt tokens of Alpaca rows do not).
    const { value, grads: g } = tf.variableGrads(() => causalLmLossFromHidden(model, model.forwardHidden(b.input_ids, forwardOptions(b)), b.labels, { numItemsInBatch: Math.max(1, total) }).loss, vars);
    loss += (value.dataSync() as Float32Array)[0] as number;
    value.dispose();
    for (const [varName, t] of Object.entries(g)) {
      const name = nameOf.get(varName) as string;
      const prev = grads.get(name);
      if (prev) {
        grads.set(name, tf.add(prev, t));
        prev.dispose();
        t.dispose();
      } else grads.set(name, t);
    }
  }
  return { loss, lossTokens: total, grads };
}
