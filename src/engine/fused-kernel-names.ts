/**
 * Names of tunekit's fused kernels. A backend that registers them (today only 'native', see
 * src/engine/native/fused-norm.ts and fused-activation.ts) gets the one-pass versions of the
 * ops in src/engine/fused-ops.ts; every other backend runs the op-by-op composition.
 */

/** LayerNorm forward: inputs `{x, weight, bias?}`, attrs `{eps}` → `[y, mean, rstd]` (mean/rstd `[rows]`). */
export const LAYER_NORM = 'TunekitLayerNorm';
/** LayerNorm backward: inputs `{dy, x, weight, mean, rstd}` → `[dx, dWeight, dBias]`. */
export const LAYER_NORM_GRAD = 'TunekitLayerNormGrad';
/** RMSNorm forward: inputs `{x, weight}`, attrs `{eps}` → `[y, rstd]`. */
export const RMS_NORM = 'TunekitRmsNorm';
/** RMSNorm backward: inputs `{dy, x, weight, rstd}` → `[dx, dWeight]`. */
export const RMS_NORM_GRAD = 'TunekitRmsNormGrad';
/** tanh-approximated GELU forward: inputs `{x}` → `y`. */
export const GELU_TANH = 'TunekitGeluTanh';
/** tanh-approximated GELU backward: inputs `{dy, x}` → `dx`. */
export const GELU_TANH_GRAD = 'TunekitGeluTanhGrad';
/** SwiGLU forward `silu(gate)·up`: inputs `{gate, up}` → `out`. */
export const SWIGLU = 'TunekitSwiglu';
/** SwiGLU backward: inputs `{dy, gate, up}` → `[dGate, dUp]`. */
export const SWIGLU_GRAD = 'TunekitSwigluGrad';
/** Attention's scaled, biased, masked softmax: inputs `{x, mask?, bias?}` (x `[B, H, T, S]`), attrs `{scale}` → `y`. */
export const ATTN_SOFTMAX = 'TunekitAttnSoftmax';
/** Its backward: inputs `{y, dy}`, attrs `{scale}` → `dx`. */
export const ATTN_SOFTMAX_GRAD = 'TunekitAttnSoftmaxGrad';
