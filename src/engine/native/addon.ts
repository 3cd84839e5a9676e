/**
 * Loading the optional native addon (`native/`, built at install by `native/build.mjs`). Loading
 * never throws: a missing or broken build gives `{ addon: null, why }` so backend selection can fall
 * back with a one-line reason. `TUNEKIT_NATIVE=0` disables it (for comparing engines).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The addon version this code expects (TUNEKIT_ADDON_VERSION in native/src/addon.c). */
export const ADDON_VERSION = 2;

/** The addon's functions (see native/src/*.c for the exact contracts). */
export interface NativeAddon {
  /** Interface version; an addon built from other sources is refused. */
  readonly version: number;
  /** Batched row-major SGEMM: C_i = alpha·op(A_i)·op(B_i) + beta·C_i; offsets in elements (null: one shared matrix). */
  gemm(
    a: Float32Array,
    b: Float32Array,
    c: Float32Array,
    m: number,
    n: number,
    k: number,
    transA: boolean,
    transB: boolean,
    aOffsets: Float64Array | null,
    bOffsets: Float64Array | null,
    alpha: number,
    beta: number,
  ): void;
  softmax(x: Float32Array, out: Float32Array, rows: number, cols: number): void;
  logSoftmax(x: Float32Array, out: Float32Array, rows: number, cols: number): void;
  /** losses[r] = logsumexp(x_r) − x_r[t_r]; dx (optional) = scale·(softmax(x_r) − onehot(t_r)). */
  crossEntropy(x: Float32Array, targets: Int32Array, losses: Float32Array, dx: Float32Array | null, rows: number, cols: number, scale: number | Float32Array): void;
  /** out = a ∘ b with broadcasting; `layout` from broadcastLayout (src/engine/native/elementwise.ts). */
  binary(op: number, a: Float32Array, b: Float32Array, out: Float32Array, layout: Float64Array): void;
  /** out = f(x) element-wise (op codes in UNARY_OPS). */
  unary(op: number, x: Float32Array, out: Float32Array): void;
  /** Strided copy; layout `[rank, base, shape…, strides…]` from stridedLayout (layout.ts). */
  strided(x: Float32Array, out: Float32Array, layout: Float64Array): void;
  /** Per-row reduction of a [rows, cols] matrix: 0 sum, 1 mean, 2 max, 3 min. */
  reduceRows(op: number, x: Float32Array, out: Float32Array, rows: number, cols: number): void;
  /** Per-column reduction of a [rows, cols] matrix: 0 sum, 1 mean. */
  reduceCols(op: number, x: Float32Array, out: Float32Array, rows: number, cols: number): void;
  /**
   * torch AdamW's step in place on p, m, v (g read only); k = [decay, 1−β1, β2, 1−β2,
   * √(1−β2^t), eps, lr/(1−β1^t), gradScale] (native/src/optim.c).
   */
  adamw(p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, k: Float64Array): void;
  /**
   * out = softmax(x·scale + bias + mask) per row of [B·H·T, S]; mask/bias strides over (b, h, t)
   * (native/src/attention.c).
   */
  attnSoftmax(x: Float32Array, mask: Float32Array | null, maskStrides: Float64Array | null, bias: Float32Array | null, biasStrides: Float64Array | null, out: Float32Array, rows: number, cols: number, T: number, H: number, scale: number): void;
  /** dx = (y·dy − y·Σ(y·dy))·scale per row. */
  attnSoftmaxGrad(y: Float32Array, dy: Float32Array, dx: Float32Array, rows: number, cols: number, scale: number): void;
  /** out[j] = code[4-bit code j]·absmax[j / blocksize], two codes per byte, high nibble first. */
  expand4bit(packed: Uint8Array, absmax: Float32Array, code: Float32Array, out: Float32Array, blocksize: number): void;
  /** Σ x², accumulated in double. */
  sumSquares(x: Float32Array): number;
  /** LayerNorm over the rows of [rows, cols]: y = (x − mean)·rstd·w (+ b); writes per-row mean and rstd when given. */
  layerNorm(x: Float32Array, w: Float32Array, b: Float32Array | null, y: Float32Array, mean: Float32Array | null, rstd: Float32Array | null, rows: number, cols: number, eps: number): void;
  /** LayerNorm backward from the forward's saved mean/rstd: dx, and the column sums dw, db (each optional). */
  layerNormGrad(dy: Float32Array, x: Float32Array, w: Float32Array, mean: Float32Array, rstd: Float32Array, dx: Float32Array, dw: Float32Array | null, db: Float32Array | null, rows: number, cols: number): void;
  /** RMSNorm over the rows of [rows, cols]: y = x·rstd·w, rstd = 1/√(mean(x²) + eps). */
  rmsNorm(x: Float32Array, w: Float32Array, y: Float32Array, rstd: Float32Array | null, rows: number, cols: number, eps: number): void;
  /** RMSNorm backward from the saved rstd: dx and (optional) dw. */
  rmsNormGrad(dy: Float32Array, x: Float32Array, w: Float32Array, rstd: Float32Array, dx: Float32Array, dw: Float32Array | null, rows: number, cols: number): void;
  /** y = 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))) element-wise. */
  geluTanh(x: Float32Array, y: Float32Array): void;
  /** dx = dy·gelu'(x) for {@link NativeAddon.geluTanh}. */
  geluTanhGrad(dy: Float32Array, x: Float32Array, dx: Float32Array): void;
  /** out = silu(gate)·up element-wise. */
  swiglu(gate: Float32Array, up: Float32Array, out: Float32Array): void;
  /** Gradients of {@link NativeAddon.swiglu} for both operands. */
  swigluGrad(dy: Float32Array, gate: Float32Array, up: Float32Array, dGate: Float32Array, dUp: Float32Array): void;
  /** Get (and with an argument, set) the thread count of BLAS and the row kernels. */
  threads(n?: number): number;
  info(): { blas: string; cores: number; threads: number };
}

/** Result of {@link loadNativeAddon}. */
export type NativeLoad = { addon: NativeAddon; path: string } | { addon: null; why: string };

/** Where the build puts the addon, relative to the package root. */
export const ADDON_RELATIVE_PATH = 'native/build/Release/tunekit_native.node';

let cached: NativeLoad | null = null;

/** The package root: the folder with package.json above this file (src/ or dist/src/). */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'native'))) return dir;
    dir = dirname(dir);
  }
  return process.cwd();
}

/**
 * Accept a loaded module as the addon only if it is tunekit's and of the version this code calls
 * (an addon built from older sources lacks kernels the engine registers).
 */
export function checkAddon(module: unknown, path: string): NativeLoad {
  const addon = module as Partial<NativeAddon> | null;
  if (typeof addon?.gemm !== 'function') return { addon: null, why: `${path} is not the tunekit addon` };
  if (addon.version !== ADDON_VERSION) {
    return { addon: null, why: `native addon is out of date (version ${String(addon.version ?? 1)}, this tunekit needs ${ADDON_VERSION}; rebuild with npm run build:native)` };
  }
  return { addon: addon as NativeAddon, path };
}

/** Load the addon once; later calls return the same result. */
export function loadNativeAddon(): NativeLoad {
  if (cached) return cached;
  if (process.env['TUNEKIT_NATIVE'] === '0') return (cached = { addon: null, why: 'disabled by TUNEKIT_NATIVE=0' });
  const path = join(packageRoot(), ADDON_RELATIVE_PATH);
  if (!existsSync(path)) {
    return (cached = { addon: null, why: 'native addon not built (needs a C compiler and OpenBLAS at install: apt-get install -y libopenblas-dev, then npm run build:native)' });
  }
  try {
    return (cached = checkAddon(createRequire(import.meta.url)(path), path));
  } catch (e) {
    return (cached = { addon: null, why: `native addon failed to load (${String((e as Error).message ?? e).split('\n')[0]})` });
  }
}
