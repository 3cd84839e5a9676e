/**
 * How the driver calls a hook:
 * - `first`: plugins are asked in order; the first non-null answer wins.
 * - `sequential`: each plugin receives the previous plugin's result and returns the next value.
 * - `parallel`: notifications; all plugins are called concurrently and awaited.
 */
export type HookKind = 'first' | 'sequential' | 'parallel';
