/**
 * HF causal-LM loss (`ForCausalLMLoss`): logits at t predict labels at t+1, ignore_index −100, sum of
 * token losses divided by the number of non-ignored tokens of the whole batch (or by
 * `numItemsInBatch` for gradient accumulation). Computed as log-softmax of the selected rows plus a
 * gather of the label entry — no `[tokens × vocab]` one-hot is ever built.
 *
 * @example
 * const { loss, count } = causalLmLoss(logits, labels);   // loss: tf.Scalar
 */
import { tf, tokenCrossEntropy } from '../engine/index.js';
import { fail } from '../diagnostics/index.js';
import { IGNORE_INDEX } from '../data/format.js';
import type { CausalLM } from './causal-lm.js';

export { IGNORE_INDEX };

export interface LossOptions {
  /** Divide the summed loss by this instead of the batch's own token count (HF `num_items_in_batch`). */
  numItemsInBatch?: number;
}

export interface LossResult {
  /** Scalar loss (differentiable). */
  loss: tf.Scalar;
  /** Per-token losses `[count]`, in the order of `positions`. */
  tokenLosses: tf.Tensor1D;
  /** `[b, t]` of each counted token: logits at t predicted labels[b][t+1]. */
  positions: [number, number][];
  /** Number of non-ignored (shifted) labels. */
  count: number;
}

/** Flat indices of the logits rows that carry a loss, and their targets. */
export function lossTargets(labels: number[][], vocab: number): { rows: number[]; targets: number[]; positions: [number, number][] } {
  const rows: number[] = [];
  const targets: number[] = [];
  const positions: [number, number][] = [];
  const T = labels[0]?.length ?? 0;
  labels.forEach((row, b) => {
    for (let t = 0; t + 1 < T; t++) {
      const y = row[t + 1] as number;
      if (y === IGNORE_INDEX) continue;
      if (!Number.isInteger(y) || y < 0 || y >= vocab) fail('MODEL_INPUT_INVALID', `label ${y} at [${b}][${t + 1}] is outside the vocabulary [0, ${vocab}) and is not ${IGNORE_INDEX}`);
      rows.push(b * T + t);
      targets.push(y);
      positions.push([b, t]);
    }
  });
  return { rows, targets, positions };
}

/** Loss from logits `[B, T, V]` and labels `[B][T]` (unshifted, as HF takes them). */
export function causalLmLoss(logits: tf.Tensor, labels: number[][], opts: LossOptions = {}): LossResult {
  const [B, T, V] = logits.shape as [number, number, number];
  if (labels.length !== B || labels.some((r) => r.length !== T)) fail('MODEL_INPUT_INVALID', `labels must be [${B}][${T}] like the logits`);
  const { rows, targets, positions } = lossTargets(labels, V);
  const count = rows.length;
  const denom = opts.numItemsInBatch ?? count;
  const [loss, tokenLosses] = tf.tidy(() => {
    if (count === 0) {
      // HF returns NaN (0/0) for an all-ignored batch; a zero keeps accumulation sane and is flagged by count.
      return [tf.mul(tf.sum(logits), 0) as tf.Scalar, tf.zeros([0]) as tf.Tensor1D];
    }
    const selected = selectRows(tf.reshape(logits, [B * T, V]), rows);
    return pickLabels(selected, targets, denom);
  });
  return { loss, tokenLosses, positions, count };
}

/**
 * The same loss from final hidden states `[B, T, d]`: only the rows that carry a label go through the
 * LM head, so prompt and padding positions never materialise vocabulary-sized logits (training path).
 */
export function causalLmLossFromHidden(model: Pick<CausalLM, 'lmHead' | 'config'>, hidden: tf.Tensor, labels: number[][], opts: LossOptions = {}): LossResult {
  const [B, T, D] = hidden.shape as [number, number, number];
  if (labels.length !== B || labels.some((r) => r.length !== T)) fail('MODEL_INPUT_INVALID', `labels must be [${B}][${T}] like the hidden states`);
  const { rows, targets, positions } = lossTargets(labels, model.config.vocabSize);
  const count = rows.length;
  const denom = opts.numItemsInBatch ?? count;
  const [loss, tokenLosses] = tf.tidy(() => {
    if (count === 0) return [tf.mul(tf.sum(hidden), 0) as tf.Scalar, tf.zeros([0]) as tf.Tensor1D];
    const logits = model.lmHead(selectRows(tf.reshape(hidden, [B * T, D]), rows));
    return pickLabels(logits, targets, denom);
  });
  return { loss, tokenLosses, positions, count };
}

/** Rows of a 2-D tensor by index; gatherNd so the gradient is a scatter on every backend. */
function selectRows(x: tf.Tensor, rows: number[]): tf.Tensor {
  return tf.gatherND(x, tf.tensor2d(rows, [rows.length, 1], 'int32'));
}

/**
 * −log softmax(logits)[i, targets[i]] per row, and their sum / denom. No [tokens × vocab] one-hot
 * anywhere: the native engine runs one fused pass each way, the others log-softmax + gatherND
 * (whose gradient is a scatter).
 */
function pickLabels(selected: tf.Tensor, targets: number[], denom: number): [tf.Scalar, tf.Tensor1D] {
  const per = tokenCrossEntropy(selected as tf.Tensor2D, Int32Array.from(targets));
  return [tf.div(tf.sum(per), denom) as tf.Scalar, per];
}

/** One batch of rows of equal length with labels; masks, positions and segment ids are optional (packed rows carry them). */
export interface EvalBatch {
  input_ids: number[][];
  labels: number[][];
  attention_mask?: number[][];
  position_ids?: number[][];
  segment_ids?: number[][];
}

export interface LossSummary {
  /** Summed token loss divided by the token count of all batches (batch size does not change it). */
  loss: number;
  /** Tokens that carry a loss. */
  tokens: number;
  perplexity: number;
}

/**
 * The HF causal-LM loss over many batches, without gradients: each batch's summed token loss,
 * divided by the token count of the whole set (evaluation during training and `tune eval`).
 */
export function evaluateLoss(model: Pick<CausalLM, 'forwardHidden' | 'lmHead' | 'config'>, batches: readonly EvalBatch[]): LossSummary {
  let sum = 0;
  let tokens = 0;
  for (const b of batches) {
    const opts = {
      ...(b.attention_mask ? { attentionMask: b.attention_mask } : {}),
      ...(b.position_ids ? { positionIds: b.position_ids } : {}),
      ...(b.segment_ids ? { segmentIds: b.segment_ids } : {}),
    };
    const r = tf.tidy(() => {
      const out = causalLmLossFromHidden(model, model.forwardHidden(b.input_ids, opts), b.labels, { numItemsInBatch: 1 });
      return { loss: out.loss, count: out.count };
    });
    if (r.count > 0) sum += (r.loss.dataSync() as Float32Array)[0] as number;
    r.loss.dispose();
    tokens += r.count;
  }
  const loss = tokens === 0 ? Number.NaN : sum / tokens;
  return { loss, tokens, perplexity: Math.exp(loss) };
}

/** Per-token losses as a `[B][T−1]` grid with null where the label is ignored (golden-file layout). */
export function tokenLossGrid(values: ArrayLike<number>, positions: [number, number][], batch: number, length: number): (number | null)[][] {
  const grid = Array.from({ length: batch }, () => new Array<number | null>(Math.max(0, length - 1)).fill(null));
  positions.forEach(([b, t], i) => {
    (grid[b] as (number | null)[])[t] = values[i] as number;
  });
  return grid;
}
