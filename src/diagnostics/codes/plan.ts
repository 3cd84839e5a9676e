import type { CodeInfo } from './index.js';

/** Codes of planning (src/plan/, tune plan). */
export const PLAN_CODES: Record<string, CodeInfo> = {
  PLAN_CONFIG_UNAVAILABLE: { summary: 'the model config is neither local, nor in the Hub cache, nor built in, so nothing can be planned offline' },
  PLAN_LORA_NO_TARGETS: { summary: 'method.lora.target_modules matches no module of the model' },
  PLAN_LORA_TARGET_UNSUPPORTED: { summary: 'LoRA targets a module that cannot carry an adapter (e.g. a norm); tune run refuses it' },
  PLAN_FREEZE_MATCHES_NOTHING: { summary: 'method.freeze matches no parameter name' },
  PLAN_NO_TRAINABLE: { summary: 'the method leaves no parameter trainable' },
};
