/**
 * PEFT LoRA adapter folders (adapter_config.json + adapter_model.safetensors): reading any PEFT
 * version's LoRA adapter, writing exactly what PEFT 0.12 writes. See INTEROP.md §4.
 */
export { parseAdapterConfig, adapterConfigJson, PEFT_012_DEFAULTS, PEFT_012_KEYS, type LoraAdapterConfig, type ParsedAdapterConfig } from './config.js';
export { loraKey, rankFor, groupAdapterTensors, PEFT_PREFIX, type LoraModuleWeights, type AdapterTensors } from './keys.js';
export { readLoraAdapter, saveLoraAdapter, type LoraAdapter, type SaveLoraAdapterOptions } from './adapter-folder.js';
