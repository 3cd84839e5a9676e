import { tf } from '../engine/index.js';
import type { CausalLM } from '../models/causal-lm.js';
import { causalLmLossFromHidden } from '../models/loss.js';
import { type Batch, countLossTokens } from './batch.js';

export interface StepResult {
  /** Mean token loss over the whole accumulated batch (what HF logs), plus every added term. */
  loss: number;
  lossTokens: number;
  /** With loss terms: each term summed over the micro-batches, and `ce`, the token loss alone. */
  terms: Record<string, number> | null;
  /** Summed gradients by trainable parameter name (caller disposes). */
  grads: Map<string, tf.Tensor>;
}

/** What a loss-terms function builds its terms from (inside the gradient computation). */
export interface LossTermsArgs {
  batch: Batch;
  /** Final hidden states `[B, T, hidden]`. */
  hidden: tf.Tensor;
  /** Full logits `[B, T, vocab]`, computed on first call. */
  logits(): tf.Tensor;
  /** This micro-batch's token loss (divided by the tokens of the whole step). */
  ce: tf.Scalar;
  numItemsInBatch: number;
  /** 0-based optimizer step. */
  step: number;
  microBatch: number;
  microBatches: number;
}

/** Named scalar terms to add to a micro-batch's loss (synchronous: it runs under the tape). */
export type LossTermsFn = (args: LossTermsArgs) => Map<string, tf.Scalar>;

export interface AccumulateOptions {
  /** 0-based optimizer step (for loss terms). */
  step?: number;
  /** Called before each micro-batch that is computed (re-seeds its dropout masks). */
  beginMicroBatch?: (i: number) => void;
  lossTerms?: LossTermsFn;
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
 * Loss terms (EWC, L2-SP, …) are added to each micro-batch's loss inside the gradient computation,
 * so their gradients reach the parameters; their values are returned apart.
 */
export function accumulateGradients(model: CausalLM, params: readonly { name: string; variable: tf.Variable }[], micro: readonly Batch[], o: AccumulateOptions = {}): StepResult {
  const total = micro.reduce((n, b) => n + countLossTokens(b.labels), 0);
  const grads = new Map<string, tf.Tensor>();
  let loss = 0;
  const terms: Record<string, number> | null = o.lossTerms ? { ce: 0 } : null;
  const vars = params.map((p) => p.variable);
  const nameOf = new Map(params.map((p) => [p.variable.name, p.name]));
  for (const [i, b] of micro.entries()) {
    if (countLossTokens(b.labels) === 0) continue;
    o.beginMicroBatch?.(i);
    const kept: [string, tf.Scalar][] = [];
    const { value, grads: g } = tf.variableGrads(() => {
      // The head runs only on positions that carry a label (prompt tokens of Alpaca rows do not).
      const hidden = model.forwardHidden(b.input_ids, forwardOptions(b));
      const ce = causalLmLossFromHidden(model, hidden, b.labels, { numItemsInBatch: Math.max(1, total) }).loss;
      if (!o.lossTerms) return ce;
      let logits: tf.Tensor | null = null;
      const added = o.lossTerms({ batch: b, hidden, logits: () => (logits ??= model.lmHead(hidden)), ce, numItemsInBatch: Math.max(1, total), step: o.step ?? 0, microBatch: i, microBatches: micro.length });
      kept.push(['ce', tf.keep(ce)]);
      let sum: tf.Scalar = ce;
      for (const [name, t] of added) {
        kept.push([name, tf.keep(t)]);
        sum = tf.add(sum, t);
      }
      return sum;
    }, vars);
    loss += (value.dataSync() as Float32Array)[0] as number;
    for (const [name, t] of kept) if (terms) terms[name] = (terms[name] ?? 0) + ((t.dataSync() as Float32Array)[0] as number);
    // With no term added the value is `ce` itself: read everything before disposing anything.
    value.dispose();
    for (const [, t] of kept) t.dispose();
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
  return { loss, lossTokens: total, terms, grads };
}
