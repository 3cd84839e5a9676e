import type { TruncationPolicy } from './config.js';
import type { Example } from './format.js';

/** The outcome of applying the truncation policy to one example. */
export type TruncateResult = { kind: 'ok'; example: Example; truncated: boolean } | { kind: 'drop' } | { kind: 'error'; length: number };

/**
 * Apply `data.truncation` to an example longer than `max`: keep the head (as transformers'
 * `truncation=True` does for Stanford Alpaca), leave it out, or report it.
 */
export function truncateExample(e: Example, max: number, policy: TruncationPolicy): TruncateResult {
  if (e.input_ids.length <= max) return { kind: 'ok', example: e, truncated: false };
  if (policy === 'drop') return { kind: 'drop' };
  if (policy === 'error') return { kind: 'error', length: e.input_ids.length };
  return { kind: 'ok', example: { input_ids: e.input_ids.slice(0, max), labels: e.labels.slice(0, max) }, truncated: true };
}
