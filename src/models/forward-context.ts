/**
 * Per-forward facts every layer shares: batch and length, cache offset, position ids, padding /
 * segment masks (built once per sliding window), and a hook keeping constants alive for layers that
 * are recomputed in the backward pass. Validates the inputs (MODEL_INPUT_INVALID).
 */
import { tf } from '../engine/index.js';
import { fail } from '../diagnostics/index.js';
import { type ModelConfig, maxPositionsOf } from './catalog.js';
import type { KVCache } from './layers/kv-cache.js';
import { buildAttentionMask } from './layers/mask.js';

/** Inputs beyond the token ids. All host arrays; rows are batch entries. */
export interface ForwardOptions {
  /** `[B][past + T]`: 1 = token, 0 = padding. Default: all ones. */
  attentionMask?: number[][];
  /** `[B][T]`. Default: past..past+T−1 for every row (HF default; not derived from the mask). */
  positionIds?: number[][];
  /** `[B][past + T]`: tokens attend only to tokens of the same segment (sample packing). */
  segmentIds?: number[][];
  /** KV cache to read and extend (generation). */
  cache?: KVCache;
}

/** Per-forward facts shared by all layers. */
export interface ForwardContext {
  batch: number;
  length: number;
  pastLength: number;
  positions: number[][];
  cache: KVCache | null;
  /** `[B][past + T]` padding mask (all ones when none was given). */
  keyMask(): number[][];
  /** Additive mask for a given sliding window (null = none); memoized per window. */
  mask(window?: number | null): tf.Tensor | null;
  /**
   * Keep a per-forward constant (RoPE tables, ALiBi bias) alive for checkpointed layers, which are
   * recomputed during the backward pass; a no-op otherwise.
   */
  retain<T extends tf.Tensor>(t: T): T;
  /** The masks built so far (the caller disposes them after the forward pass). */
  ownedMasks(): tf.Tensor[];
}

/** Validate inputs and build the context; `keep` is called with constants that must outlive the forward. */
export function buildForwardContext(config: ModelConfig, inputIds: number[][], opts: ForwardOptions, keep: (t: tf.Tensor) => void): ForwardContext {
  const B = inputIds.length;
  const T = inputIds[0]?.length ?? 0;
  if (B === 0 || T === 0) fail('MODEL_INPUT_INVALID', 'input_ids must be a non-empty [batch][length] array');
  const vocab = config.vocabSize;
  for (const row of inputIds) {
    if (row.length !== T) fail('MODEL_INPUT_INVALID', 'all rows of input_ids must have the same length', { expected: String(T), found: String(row.length) });
    for (const id of row) if (!Number.isInteger(id) || id < 0 || id >= vocab) fail('MODEL_INPUT_INVALID', `token id ${id} is outside the vocabulary [0, ${vocab})`);
  }
  const cache = opts.cache ?? null;
  const past = cache?.length ?? 0;
  const positions = opts.positionIds ?? inputIds.map(() => Array.from({ length: T }, (_, t) => past + t));
  checkRows('attention_mask', opts.attentionMask, B, past + T);
  checkRows('position_ids', opts.positionIds, B, T);
  checkRows('segment_ids', opts.segmentIds, B, past + T);
  const maxPos = maxPositionsOf(config);
  if (config.modelType === 'gpt2') {
    for (const row of positions) for (const p of row) if (p < 0 || p >= maxPos) fail('MODEL_INPUT_INVALID', `position ${p} is beyond n_positions (${maxPos})`, { hint: 'shorten the sequence or max_new_tokens' });
  }
  const masks = new Map<number | null, tf.Tensor | null>();
  const ctx: ForwardContext = {
    batch: B,
    length: T,
    pastLength: past,
    positions,
    cache,
    ownedMasks: () => [...masks.values()].filter((m): m is tf.Tensor => m !== null),
    keyMask: () => opts.attentionMask ?? inputIds.map(() => new Array<number>(past + T).fill(1)),
    retain: <U extends tf.Tensor>(t: U): U => {
      keep(t);
      return t;
    },
    mask: (window: number | null = null) => {
      if (!masks.has(window)) {
        const m = tf.keep(buildAttentionMask({ batch: B, queryLength: T, pastLength: past, attentionMask: opts.attentionMask, segmentIds: opts.segmentIds, slidingWindow: window }) ?? tf.scalar(0));
        masks.set(window, m.rank === 0 ? (m.dispose(), null) : m);
      }
      return masks.get(window) ?? null;
    },
  };
  return ctx;
}

function checkRows(name: string, rows: number[][] | undefined, B: number, n: number): void {
  if (!rows) return;
  if (rows.length !== B || rows.some((r) => r.length !== n)) fail('MODEL_INPUT_INVALID', `${name} must be [${B}][${n}]`, { found: `[${rows.length}][${rows[0]?.length ?? 0}]` });
}
