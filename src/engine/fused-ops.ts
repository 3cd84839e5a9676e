/**
 * Fused norm and activation ops, backend-independent. Where the active backend registers the fused
 * kernel (src/engine/fused-kernel-names.ts; today 'native'), the op is one kernel forward and one
 * backward through `tf.customGrad`, saving only its inputs and the per-row statistics; elsewhere
 * (cpu, wasm, or unusual inputs: non-float32, a weight that is not 1-D of the last axis' size,
 * SwiGLU operands of different shapes) it is exactly the op-by-op composition the models always
 * used, so those backends compute what they did before. Gradients reach every argument, including
 * tf.Variables, and work inside tf.variableGrads and the checkpoint wrapper.
 *
 * @example
 * const h = layerNormOp(x, lnWeight, lnBias, 1e-5); // x [batch, seq, hidden], weight/bias [hidden]
 */
import * as tf from '@tensorflow/tfjs-core';
import type { GradSaveFunc, NamedAttrMap, NamedTensorMap, Tensor } from '@tensorflow/tfjs-core';
import { GELU_TANH, GELU_TANH_GRAD, LAYER_NORM, LAYER_NORM_GRAD, RMS_NORM, RMS_NORM_GRAD, SWIGLU, SWIGLU_GRAD } from './fused-kernel-names.js';

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

/** Whether the active backend has kernel `name`. */
export function hasKernel(name: string): boolean {
  return tf.getKernel(name, tf.getBackend()) != null;
}

/** Run a kernel by name on the active backend; always an array of outputs. */
export function run(name: string, inputs: Record<string, Tensor>, attrs: NamedAttrMap = {}): Tensor[] {
  const out = tf.engine().runKernel(name, inputs as NamedTensorMap, attrs) as Tensor | Tensor[];
  return Array.isArray(out) ? out : [out];
}

/** The body of a {@link customOp}: its inputs, the save function → value and gradient. */
export type Body = (inputs: Tensor[], save: GradSaveFunc) => { value: Tensor; gradFunc: (dy: Tensor, saved: Tensor[]) => Tensor | Tensor[] };

/** tf.customGrad with the inputs as one array (its own signature mixes them with the save function). */
export function customOp(body: Body): (...inputs: Tensor[]) => Tensor {
  const op = tf.customGrad((...args: (Tensor | GradSaveFunc)[]) => body(args.slice(0, -1) as Tensor[], args[args.length - 1] as GradSaveFunc));
  return (...inputs: Tensor[]) => op(...inputs);
}

/** float32 x with a non-empty last axis, and per-column operands 1-D float32 of that size. */
function normFusable(x: Tensor, perColumn: readonly (Tensor | null)[]): boolean {
  if (x.dtype !== 'float32' || x.rank === 0 || x.size === 0) return false;
  const cols = x.shape[x.rank - 1];
  return perColumn.every((t) => t === null || (t.dtype === 'float32' && t.rank === 1 && t.shape[0] === cols));
}

/** The op-by-op LayerNorm (the reference, and the path on backends without the fused kernel). */
export function composedLayerNorm(x: Tensor, weight: Tensor, bias: Tensor | null, eps: number): Tensor {
  return tf.tidy(() => {
    const axis = x.rank - 1;
    const xc = tf.sub(x, tf.mean(x, axis, true));
    const variance = tf.mean(tf.square(xc), axis, true);
    const y = tf.mul(tf.mul(xc, tf.rsqrt(tf.add(variance, eps))), weight);
    return bias ? tf.add(y, bias) : y;
  });
}

/** The op-by-op RMSNorm. */
export function composedRmsNorm(x: Tensor, weight: Tensor, eps: number): Tensor {
  return tf.tidy(() => {
    const variance = tf.mean(tf.square(x), x.rank - 1, true);
    return tf.mul(weight, tf.mul(x, tf.rsqrt(tf.add(variance, eps))));
  });
}

/** The op-by-op tanh GELU: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))). */
export function composedGeluTanh(x: Tensor): Tensor {
  return tf.tidy(() => {
    const inner = tf.mul(tf.add(x, tf.mul(tf.mul(tf.mul(x, x), x), 0.044715)), SQRT_2_OVER_PI);
    return tf.mul(tf.mul(x, 0.5), tf.add(tf.tanh(inner), 1));
  });
}

/** The op-by-op SwiGLU: gate·σ(gate)·up. */
export function composedSwiglu(gate: Tensor, up: Tensor): Tensor {
  return tf.tidy(() => tf.mul(tf.mul(gate, tf.sigmoid(gate)), up));
}

/**
 * LayerNorm over the last axis: (x − mean) / √(var + eps) · weight (+ bias), biased variance as
 * torch. `weight` and `bias` are `[x.shape[-1]]` for the fused path (anything else broadcastable
 * takes the composition).
 */
export function layerNormOp(x: Tensor, weight: Tensor, bias: Tensor | null, eps: number): Tensor {
  if (!normFusable(x, [weight, bias]) || !hasKernel(LAYER_NORM) || !hasKernel(LAYER_NORM_GRAD)) return composedLayerNorm(x, weight, bias, eps);
  const op = customOp(([xi, wi, bi], save) => {
    const [y, mean, rstd] = run(LAYER_NORM, bi ? { x: xi!, weight: wi!, bias: bi } : { x: xi!, weight: wi! }, { eps });
    save([xi!, wi!, mean!, rstd!]);
    return {
      value: y!,
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const [sx, sw, sm, sr] = saved as [Tensor, Tensor, Tensor, Tensor];
        const [dx, dw, db] = run(LAYER_NORM_GRAD, { dy, x: sx, weight: sw, mean: sm, rstd: sr }) as [Tensor, Tensor, Tensor];
        if (bi) return [dx, dw, db];
        db.dispose();
        return [dx, dw];
      },
    };
  });
  return bias ? op(x, weight, bias) : op(x, weight);
}

/** RMSNorm over the last axis (Llama): weight · x / √(mean(x²) + eps). */
export function rmsNormOp(x: Tensor, weight: Tensor, eps: number): Tensor {
  if (!normFusable(x, [weight]) || !hasKernel(RMS_NORM) || !hasKernel(RMS_NORM_GRAD)) return composedRmsNorm(x, weight, eps);
  const op = customOp(([xi, wi], save) => {
    const [y, rstd] = run(RMS_NORM, { x: xi!, weight: wi! }, { eps });
    save([xi!, wi!, rstd!]);
    return {
      value: y!,
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const [sx, sw, sr] = saved as [Tensor, Tensor, Tensor];
        return run(RMS_NORM_GRAD, { dy, x: sx, weight: sw, rstd: sr });
      },
    };
  });
  return op(x, weight);
}

/** tanh-approximated GELU (HF `gelu_new` / `gelu_pytorch_tanh`): 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))). */
export function geluTanhOp(x: Tensor): Tensor {
  if (x.dtype !== 'float32' || x.size === 0 || !hasKernel(GELU_TANH) || !hasKernel(GELU_TANH_GRAD)) return composedGeluTanh(x);
  const op = customOp(([xi], save) => {
    const [y] = run(GELU_TANH, { x: xi! });
    save([xi!]);
    return { value: y!, gradFunc: (dy: Tensor, saved: Tensor[]) => run(GELU_TANH_GRAD, { dy, x: saved[0]! })[0]! };
  });
  return op(x);
}

/** SwiGLU (Llama MLP): silu(gate)·up = gate·σ(gate)·up; the fused path needs `gate` and `up` of one shape. */
export function swigluOp(gate: Tensor, up: Tensor): Tensor {
  const fusable = gate.dtype === 'float32' && up.dtype === 'float32' && gate.size > 0 && tf.util.arraysEqual(gate.shape, up.shape);
  if (!fusable || !hasKernel(SWIGLU) || !hasKernel(SWIGLU_GRAD)) return composedSwiglu(gate, up);
  const op = customOp(([g, u], save) => {
    const [out] = run(SWIGLU, { gate: g!, up: u! });
    save([g!, u!]);
    return {
      value: out!,
      gradFunc: (dy: Tensor, saved: Tensor[]) => run(SWIGLU_GRAD, { dy, gate: saved[0]!, up: saved[1]! }),
    };
  });
  return op(gate, up);
}
