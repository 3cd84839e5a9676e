import { defineCodes } from '../../src/plugin-api.js';

/** The LoRA plugin's diagnostic codes. */
export const codes = defineCodes({
  LORA_NO_TARGETS: { summary: '`target_modules` matches no module of the model' },
  LORA_UNSUPPORTED_TARGET: { summary: 'a target module cannot carry a LoRA adapter (only linear layers, embeddings and the output head can)' },
  LORA_ADAPTER_MISMATCH: { summary: 'an adapter to continue from (`init_from`) does not fit the recipe’s LoRA settings or model' },
});
