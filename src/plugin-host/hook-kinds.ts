/**
 * How the driver calls a hook:
 * - `first`: plugins are asked in order; the first non-null answer wins.
 * - `sequential`: each plugin receives the previous plugin's result and returns the next value.
 * - `inline`: like `sequential`, but synchronous — for hooks called inside the gradient computation
 *   (`lossTerms`), where nothing may be awaited.
 * - `parallel`: notifications; all plugins are called concurrently and awaited.
 */
export type HookKind = 'first' | 'sequential' | 'inline' | 'parallel';
