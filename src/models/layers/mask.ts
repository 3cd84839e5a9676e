/**
 * Additive attention masks `[B, 1, T, S]` built on the host: 0 where a query may attend, and
 * torch.finfo(float32).min elsewhere (HF uses the finite minimum, not −inf, so a fully masked row
 * stays finite). Combines causality, padding, an optional sliding window and optional segment ids
 * (sample packing: no attention across examples).
 */
import { tf } from '../../engine/index.js';

/** torch.finfo(torch.float32).min */
export const FLOAT32_MIN = -3.4028234663852886e38;

/** What an attention mask is built from. */
export interface MaskSpec {
  batch: number;
  /** Number of new (query) tokens. */
  queryLength: number;
  /** Number of tokens already in the KV cache. */
  pastLength: number;
  /** `[B][past + T]`, 1 = real token, 0 = padding. */
  attentionMask?: number[][] | undefined;
  /** `[B][past + T]`, attention only between equal ids. */
  segmentIds?: number[][] | undefined;
  /** Keys further than this many positions back are masked (Mistral). */
  slidingWindow?: number | null | undefined;
}

/** The additive mask, or null when nothing is masked (one query token over a full, unpadded cache). */
export function buildAttentionMask(spec: MaskSpec): tf.Tensor4D | null {
  const { batch: B, queryLength: T, pastLength: P } = spec;
  const S = P + T;
  const window = spec.slidingWindow ?? null;
  const needed =
    T > 1 ||
    spec.segmentIds !== undefined ||
    (window !== null && S > window) ||
    (spec.attentionMask?.some((row) => row.some((v) => v === 0)) ?? false);
  if (!needed) return null;
  const out = new Float32Array(B * T * S);
  for (let b = 0; b < B; b++) {
    const am = spec.attentionMask?.[b];
    const seg = spec.segmentIds?.[b];
    for (let t = 0; t < T; t++) {
      const qi = P + t;
      const o = (b * T + t) * S;
      for (let j = 0; j < S; j++) {
        let ok = j <= qi;
        if (ok && am && am[j] === 0) ok = false;
        if (ok && seg && seg[j] !== seg[qi]) ok = false;
        if (ok && window !== null && qi - j >= window) ok = false;
        out[o + j] = ok ? 0 : FLOAT32_MIN;
      }
    }
  }
  return tf.tensor4d(out, [B, 1, T, S]);
}
