/**
 * A frozen 4-bit projection for QLoRA: the base weight stays packed on the host and is expanded to
 * float32 just in time for each matmul, in forward and again in backward.
 *
 * Representation: the packed codes are a host `Uint8Array` (two codes per byte, 0.5 byte/param),
 * the statistics float32 absmax per block (4/blocksize byte/param) or, double-quantized, uint8 codes
 * per block plus float32 per 256 blocks (≈1/blocksize + 4/(256·blocksize) byte/param). TensorFlow.js
 * has no uint8 dtype and no bitwise shifts, so a backend tensor would cost an int32 per 8 codes and
 * an unpacking kernel per backend for the same 0.5 byte; the host buffer costs the same, works on
 * every backend and keeps the wasm heap (4 GiB cap) free of weights. The float32 expansion lives
 * only inside the matmul's kernel scope and is disposed before `apply` returns; nothing
 * weight-sized is saved for backward. Gradients flow to `x` only; the base is frozen, so a
 * `LoraLinear` wrapping this trains its adapters on top.
 */
import { tf } from '../../engine/index.js';
import { activeNativeAddon, hostStorageBackend } from '../../engine/host-storage.js';
import { outputArray } from '../../engine/native/buffer-pool.js';
import type { LinearImpl } from './linear.js';
import type { Parameter } from './parameter.js';
import type { LinearLayout } from '../types.js';
import { quantizedBytes, stateAbsmax, type Quantized4bit } from '../../quant/quant-state.js';

/**
 * Expand a 4-bit [rows, cols] matrix to float32, either as stored or transposed to [cols, rows].
 * Per block a 16-entry table `code · absmax` is built once, so each element is one lookup.
 */
export function expand4bit(q: Quantized4bit, transpose: boolean): Float32Array {
  const [rows, cols] = q.state.shape as [number, number];
  const n = rows * cols;
  const absmax = stateAbsmax(q.state);
  const code = q.state.code;
  const bs = q.state.blocksize;
  const packed = q.packed;
  const out = new Float32Array(n);
  const lut = new Float32Array(16);
  // Blocks are even-sized, so they start on a byte boundary and each byte holds two elements.
  let r = 0;
  let c = 0;
  for (let b = 0, start = 0; start < n; b++, start += bs) {
    const a = absmax[b] as number;
    for (let k = 0; k < 16; k++) lut[k] = (code[k] as number) * a;
    const end = Math.min(n, start + bs);
    if (!transpose) {
      for (let j = start; j < end; j += 2) {
        const byte = packed[j >> 1] as number;
        out[j] = lut[byte >> 4] as number;
        if (j + 1 < end) out[j + 1] = lut[byte & 15] as number;
      }
      continue;
    }
    for (let j = start; j < end; j++) {
      const byte = packed[j >> 1] as number;
      out[c * rows + r] = lut[(j & 1) === 0 ? byte >> 4 : byte & 15] as number;
      if (++c === cols) {
        c = 0;
        r++;
      }
    }
  }
  return out;
}

/**
 * `LinearImpl` over a 4-bit weight. For nn.Linear the state's shape is `[out, in]` (bitsandbytes'
 * layout; transformers also quantizes GPT-2 Conv1D weights transposed to `[out, in]`); pass layout
 * `conv1d` only for a weight quantized in `[in, out]` order.
 *
 * @example
 * const q = quantizeWeight(w, [out, inF], { quantType: 'nf4', compressStatistics: true });
 * model.replaceLinear(path, new Nf4Linear(q, 'linear', bias));
 */
export class Nf4Linear implements LinearImpl {
  readonly kind: string;
  readonly inFeatures: number;
  readonly outFeatures: number;
  #q: Quantized4bit | null;

  constructor(
    q: Quantized4bit,
    readonly layout: LinearLayout = 'linear',
    readonly bias: Parameter | null = null,
  ) {
    if (q.state.shape.length !== 2) throw new RangeError(`Nf4Linear needs a 2-D weight, got shape [${q.state.shape.join(', ')}]`);
    this.#q = q;
    const [r, c] = q.state.shape as [number, number];
    [this.outFeatures, this.inFeatures] = layout === 'linear' ? [r, c] : [c, r];
    this.kind = q.state.quantType;
  }

  /** The quantized weight (for export and merges). */
  get quantized(): Quantized4bit {
    if (!this.#q) throw new Error('Nf4Linear used after dispose()');
    return this.#q;
  }

  /** W as float32 `[in, out]` (the right operand of x·W). */
  weightInOut(): Float32Array {
    return expand4bit(this.quantized, this.layout === 'linear');
  }

  /** W as float32 `[out, in]` (the right operand of dy·W in backward). */
  weightOutIn(): Float32Array {
    return expand4bit(this.quantized, this.layout !== 'linear');
  }

  /**
   * The weight expanded in its stored order (`[out, in]` for nn.Linear) as a tensor; on the native
   * engine by the addon, into a reused output array.
   */
  #storedTensor(): tf.Tensor2D {
    const q = this.quantized;
    const [rows, cols] = q.state.shape as [number, number];
    const addon = activeNativeAddon();
    if (!addon) return tf.tensor2d(expand4bit(q, false), [rows, cols]);
    const out = outputArray(tf.backend(), rows * cols);
    addon.expand4bit(q.packed, stateAbsmax(q.state), q.state.code, out, q.state.blocksize);
    return tf.tensor2d(out, [rows, cols]);
  }

  apply(x: tf.Tensor): tf.Tensor {
    const inF = this.inFeatures;
    const outF = this.outFeatures;
    // Each expansion lives in its own tidy scope, so it is freed as soon as its matmul is done
    // (a gradient function's temporaries would otherwise live until the whole backward ends).
    let forward: (x2: tf.Tensor2D) => tf.Tensor;
    let backward: (dy: tf.Tensor2D) => tf.Tensor;
    if (hostStorageBackend()) {
      // SGEMM multiplies by either layout at the same speed, so the weight is expanded in stored
      // order (a sequential pass) and the transpose goes into the matmul's flags.
      const storedIsOutIn = this.layout === 'linear';
      forward = (x2) => tf.tidy(() => tf.matMul(x2, this.#storedTensor(), false, storedIsOutIn));
      backward = (dy) => tf.tidy(() => tf.matMul(dy, this.#storedTensor(), false, !storedIsOutIn));
    } else {
      // wasm's transposed products copy their operand: expand in the order each product reads.
      forward = (x2) => tf.tidy(() => tf.matMul(x2, tf.tensor2d(this.weightInOut(), [inF, outF])));
      backward = (dy) => tf.tidy(() => tf.matMul(dy, tf.tensor2d(this.weightOutIn(), [outF, inF])));
    }
    const matmul = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => ({
      value: forward(args[0] as tf.Tensor2D),
      gradFunc: (dy: tf.Tensor) => backward(dy as tf.Tensor2D),
    }));
    return tf.tidy(() => {
      const lead = x.shape.slice(0, -1);
      let y: tf.Tensor = matmul(tf.reshape(x, [-1, inF]));
      if (this.bias) y = tf.add(y, this.bias.value);
      return tf.reshape(y, [...lead, outF]);
    });
  }

  /** Only the (frozen, float) bias: the 4-bit weight is not a tensor parameter. */
  parameters(): [string, Parameter][] {
    return this.bias ? [['bias', this.bias]] : [];
  }

  /** Host bytes held for the weight: packed codes + statistics + code books (bias excluded). */
  residentBytes(): number {
    return this.#q ? quantizedBytes(this.#q) : 0;
  }

  dispose(): void {
    this.bias?.dispose();
    this.#q = null;
  }
}
