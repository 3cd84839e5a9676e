import type { CodeCatalog } from './types.js';

/** Codes of planning (src/plan/, tune plan). */
export const PLAN_CODES = {
  PLAN_CONFIG_UNAVAILABLE: { summary: 'the model config is neither local, nor in the Hub cache, nor built in, so nothing can be planned offline' },
  PLAN_NO_TRAINABLE: { summary: 'the method leaves no parameter trainable' },
  PLAN_RUN_MISMATCH: { summary: 'what a run built differs from its plan (a method plugin builds other tensors than it planned): a bug to report' },
} as const satisfies CodeCatalog;
