/**
 * HF model folders: config normalization (v4/v5 layouts, attribute maps, per-family defaults),
 * weight-name normalization, folder reading and writing.
 */
export type { HfModelConfig, RopeScaling, MptAttentionConfig, NormKind, PositionKind } from './config-types.js';
export { SUPPORTED_MODEL_TYPES, CONFIG_DEFAULTS, MPT_ATTENTION_DEFAULTS, ATTRIBUTE_MAPS, FLOAT_CONFIG_KEYS, type SupportedModelType } from './config-defaults.js';
export { normalizeHfConfig, type ConfigSource } from './normalize-config.js';
export { canonicalWeightName, canonicalNameMap, isIgnoredBuffer, basePrefix } from './weight-names.js';
export { openHfModelFolder, findTokenizerFiles, canonicalSource, TOKENIZER_FILE_NAMES, type HfModelFolder, type TokenizerFiles, type OpenHfModelOptions } from './model-folder.js';
export { saveHfFolder, toV4Config, hfJsonText, generationConfigFrom, TRANSFORMERS_VERSION, type SaveHfFolderOptions, type TorchDtype } from './save-folder.js';
