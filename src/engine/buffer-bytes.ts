/**
 * Bytes held in tensor data buffers, each buffer counted once. tfjs' `tf.memory().numBytes` adds
 * every tensor's size, so a view that shares its input's buffer (a reshape, an identity, a variable
 * made from a tensor) counts twice; this counter follows the engine's buffer table instead
 * (`tensorInfo`: one entry per data id, added on a buffer's first tensor, removed when the backend
 * frees it) — the memory the tensors really hold.
 */
import * as tf from '@tensorflow/tfjs-core';

/** Kept on the engine (a process-wide singleton), so every copy of this module sees one count. */
interface Meter {
  bytes: number;
  /** The most `bytes` reached since `measurePeakTensorBytes` started, or null when none runs. */
  peak: number | null;
}

interface BufferInfo {
  backend: unknown;
  bytes: number;
}

/** The parts of tfjs' Engine this module wraps (internal API of tfjs-core 4.x). */
interface EngineInternals {
  state: { tensorInfo: WeakMap<object, BufferInfo>; numBytes: number };
  trackTensor(a: tf.Tensor, backend: unknown): void;
  removeDataId(dataId: object, backend: unknown): void;
  tunekitBufferBytes?: Meter;
}

/**
 * Count buffer bytes from now on (idempotent). Installed by `initEngine` before any tensor exists,
 * so the count is complete.
 */
export function installBufferMeter(): void {
  const engine = tf.engine() as unknown as EngineInternals;
  if (engine.tunekitBufferBytes) return;
  const meter: Meter = { bytes: 0, peak: null };
  engine.tunekitBufferBytes = meter;
  const track = engine.trackTensor.bind(engine);
  const remove = engine.removeDataId.bind(engine);
  engine.trackTensor = (a, backend) => {
    const fresh = !engine.state.tensorInfo.has(a.dataId);
    track(a, backend);
    if (fresh) {
      meter.bytes += engine.state.tensorInfo.get(a.dataId)?.bytes ?? 0;
      if (meter.peak !== null && meter.bytes > meter.peak) meter.peak = meter.bytes;
    }
  };
  engine.removeDataId = (dataId, backend) => {
    const info = engine.state.tensorInfo.get(dataId);
    remove(dataId, backend);
    if (info && !engine.state.tensorInfo.has(dataId)) meter.bytes -= info.bytes;
  };
}

/** Bytes of live tensor buffers (falls back to tfjs' per-tensor count before the meter is installed). */
export function liveBufferBytes(): number {
  const engine = tf.engine() as unknown as EngineInternals;
  return engine.tunekitBufferBytes?.bytes ?? engine.state.numBytes;
}

/**
 * Run `fn` and return the most bytes held in tensor buffers at any moment while it ran — every
 * allocation is compared, so the end of a forward pass (before its intermediates are released) is
 * seen. Needs the meter (initEngine installs it); without it, the larger of the counts before and after.
 *
 * @example
 * const { value: loss, peakBytes } = measurePeakTensorBytes(() => trainStep());
 */
export function measurePeakTensorBytes<T>(fn: () => T): { value: T; peakBytes: number } {
  const meter = (tf.engine() as unknown as EngineInternals).tunekitBufferBytes;
  const start = liveBufferBytes();
  if (!meter) {
    const value = fn();
    return { value, peakBytes: Math.max(start, liveBufferBytes()) };
  }
  const outer = meter.peak;
  meter.peak = meter.bytes;
  try {
    const value = fn();
    return { value, peakBytes: meter.peak };
  } finally {
    // A nested measurement leaves the outer one's peak at least as high.
    meter.peak = outer === null ? null : Math.max(outer, meter.peak ?? 0);
  }
}
