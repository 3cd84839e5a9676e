/**
 * The in-memory shapes of safetensors data: host tensors, tensor maps and the parsed header.
 */
import type { SafetensorsDtype } from './dtypes.js';

export type { SafetensorsDtype } from './dtypes.js';

/**
 * The element storage of a host tensor. Float dtypes (F32, F16, BF16, F64) are decoded to
 * Float32Array; integer and bool dtypes keep their own typed array (BOOL and U8 as Uint8Array, so
 * 4-bit packed weights can be read as bytes); 8-bit, 6-bit and 4-bit float formats stay raw bytes
 * (Uint8Array); C64 is a Float32Array of interleaved (re, im) pairs.
 */
export type HostTensorData =
  | Float32Array
  | Int32Array
  | Uint32Array
  | Int16Array
  | Uint16Array
  | Int8Array
  | Uint8Array
  | BigInt64Array
  | BigUint64Array;

/** A tensor in host memory. Float dtypes (F32/F16/BF16/F64) are always decoded to Float32Array. */
export interface HostTensor {
  /** dtype as stored in the file (after decoding, `data` is Float32Array for float dtypes). */
  dtype: SafetensorsDtype;
  shape: number[];
  data: HostTensorData;
}

/** Tensors by name, in file (data offset) order when read. */
export type TensorMap = Map<string, HostTensor>;

/** One tensor's entry in a safetensors header. */
export interface TensorInfo {
  dtype: SafetensorsDtype;
  shape: number[];
  /** [begin, end) in bytes, relative to the start of the data buffer. */
  dataOffsets: [number, number];
}

/** A validated safetensors header. */
export interface SafetensorsHeader {
  /** Header length N from the first 8 bytes (including any space padding). */
  headerSize: number;
  /** Absolute file offset where the data buffer starts (8 + N). */
  dataStart: number;
  /** `__metadata__` (string → string), empty when absent. */
  metadata: Record<string, string>;
  /** Tensors by name, in data-offset order. */
  tensors: Map<string, TensorInfo>;
}

/**
 * Anything tensors can be read from one by one: a single file or a sharded checkpoint.
 * Reads are positioned reads, so only one tensor is in memory per call.
 */
export interface TensorSource extends AsyncIterable<[string, HostTensor]> {
  /** Tensor names in storage order. */
  readonly names: readonly string[];
  /** Header entry of a tensor, or undefined when absent. */
  info(name: string): TensorInfo | undefined;
  /** Read and decode one tensor (throws IO_ST_TENSOR_NOT_FOUND when absent). */
  read(name: string): Promise<HostTensor>;
  /** Read one tensor's raw little-endian bytes, undecoded. */
  readRaw(name: string): Promise<Uint8Array>;
  /** Release file handles. Reads after close reopen nothing and fail. */
  close(): Promise<void>;
}
