/**
 * safetensors reading (validated, streaming, sharded) and writing (reference-writer layout, atomic).
 * See INTEROP.md §1 for the format facts this follows.
 */
export type { HostTensor, HostTensorData, TensorMap, TensorInfo, SafetensorsHeader, TensorSource, SafetensorsDtype } from './types.js';
export { SAFETENSORS_DTYPES, isSafetensorsDtype, dtypeBits, halfToFloat, floatToHalf, floatToBf16, decodeF16, decodeBf16, encodeF16, encodeBf16 } from './dtypes.js';
export { MAX_HEADER_SIZE, readSafetensorsHeader, parseSafetensorsHeader } from './header.js';
export { openSafetensors, loadSafetensors, type SafetensorsFile } from './reader.js';
export { saveSafetensors, serializeSafetensors, planSafetensors, type SaveSafetensorsOptions, type TensorInput } from './writer.js';
export type { FloatStorage } from './encode.js';
export {
  readSafetensorsIndex, openShardedSafetensors, saveShardedSafetensors, parseShardSize,
  type SafetensorsIndex, type ShardedSafetensors, type SaveShardedOptions, type SavedCheckpoint,
} from './sharded.js';
export { openWeights, loadWeights, findWeightsFile } from './weights.js';
