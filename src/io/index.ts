/**
 * File formats and storage: safetensors, HF model folders, PEFT adapters, hub downloads and
 * atomic writes. Everything here is free of TensorFlow.js.
 */
export * from './safetensors/index.js';
export * from './hf/index.js';
export * from './peft/index.js';
export * from './hub/index.js';
export { writeFileAtomic, writeDirAtomic, withAtomicFile } from './atomic.js';
export { pyJsonDumps, pyFloatRepr, type PyJsonValue, type PyJsonOptions } from './py-json.js';
