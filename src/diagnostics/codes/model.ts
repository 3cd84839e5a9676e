import type { CodeCatalog } from './types.js';

/** Codes of the model zoo, generation and evaluation (src/models, src/generate, tune generate/eval). */
export const MODEL_CODES = {
  MODEL_CONFIG_MISSING: { summary: 'the model folder has no config.json' },
  MODEL_CONFIG_INVALID: { summary: 'config.json is not valid JSON or a field has the wrong type or value' },
  MODEL_UNSUPPORTED_TYPE: { summary: 'config.json names a model_type tunekit cannot build' },
  MODEL_UNSUPPORTED_FEATURE: { summary: 'the config asks for a feature of its architecture that tunekit does not implement' },
  MODEL_WEIGHT_MISSING: { summary: 'a parameter the config implies is absent from the checkpoint' },
  MODEL_WEIGHT_SHAPE: { summary: 'a checkpoint tensor has a different shape than the config implies' },
  MODEL_INPUT_INVALID: { summary: 'model inputs (ids, masks, positions) are malformed or out of range' },
  MODEL_UNKNOWN_MODULE: { summary: 'a module path does not exist in the model' },
  ADAPTER_CONFIG_INVALID: { summary: 'adapter_config.json is missing, malformed, or not a LoRA adapter tunekit can apply' },
  ADAPTER_KEY_UNMATCHED: { summary: 'an adapter tensor does not match any module of the base model' },
  GENERATE_OPTION_INVALID: { summary: 'a generation option is out of range' },
  EVAL_BATCH_INVALID: { summary: 'the batch file for tune eval is malformed' },
} as const satisfies CodeCatalog;
