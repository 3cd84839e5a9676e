/*
 * Fused activations on float32 arrays, forward and backward, parallel over elements. Each is one
 * pass with one output where tfjs' composition makes 6–9 passes with a temporary each.
 *   geluTanh(x, y)                    y = 0.5·x·(1 + tanh(u)), u = √(2/π)·(x + 0.044715·x³)
 *   geluTanhGrad(dy, x, dx)           dx = dy·(0.5·(1 + t) + 0.5·x·(1 − t²)·√(2/π)·(1 + 3·0.044715·x²))
 *   swiglu(gate, up, out)             out = silu(gate)·up, silu(g) = g·σ(g)
 *   swigluGrad(dy, gate, up, dgate, dup)
 *                                     dgate = dy·up·σ(g)·(1 + g·(1 − σ(g))), dup = dy·silu(g)
 * (HF gelu_new / gelu_pytorch_tanh and Llama's MLP.) tanh and exp are fastmath.h's vectorisable ones.
 * Outputs must not overlap the inputs (the callers pass fresh arrays).
 */
#include <math.h>
#include "common.h"
#include "fastmath.h"

#define GELU_C 0.7978845608028654f /* √(2/π) */
#define GELU_A 0.044715f

typedef struct {
  int op; /* 0 gelu, 1 gelu grad, 2 swiglu, 3 swiglu grad */
  const float *a, *b, *c;
  float *o1, *o2;
} act_ctx;

static void act_range(void* p, size_t begin, size_t end) {
  act_ctx* k = (act_ctx*)p;
  /* restrict: outputs are fresh arrays, so the loops vectorise without aliasing checks. */
  const float *restrict a = k->a, *restrict b = k->b, *restrict c = k->c;
  float *restrict o1 = k->o1, *restrict o2 = k->o2;
  switch (k->op) {
    case 0:
      for (size_t i = begin; i < end; i++) {
        float x = a[i];
        float t = tk_tanhf((x + x * x * x * GELU_A) * GELU_C);
        o1[i] = 0.5f * x * (1.0f + t);
      }
      break;
    case 1: /* a = dy, b = x */
      for (size_t i = begin; i < end; i++) {
        float x = b[i];
        float t = tk_tanhf((x + x * x * x * GELU_A) * GELU_C);
        float du = GELU_C * (1.0f + 3.0f * GELU_A * x * x);
        o1[i] = a[i] * (0.5f * (1.0f + t) + 0.5f * x * (1.0f - t * t) * du);
      }
      break;
    case 2: /* a = gate, b = up */
      for (size_t i = begin; i < end; i++) {
        float g = a[i];
        float s = 1.0f / (1.0f + tk_expf(-g));
        o1[i] = g * s * b[i];
      }
      break;
    case 3: /* a = dy, b = gate, c = up; o1 = dgate, o2 = dup */
      for (size_t i = begin; i < end; i++) {
        float g = b[i];
        float s = 1.0f / (1.0f + tk_expf(-g));
        float d = a[i];
        o1[i] = d * c[i] * s * (1.0f + g * (1.0f - s));
        o2[i] = d * g * s;
      }
      break;
  }
}

/* Reads `count` Float32Arrays from argv into arrs (all must be at least as long as the first). */
static int read_arrays(napi_env env, napi_value* argv, size_t count, float** arrs, size_t* n, const char* name) {
  size_t len0 = 0;
  for (size_t i = 0; i < count; i++) {
    size_t len;
    if (!get_f32(env, argv[i], &arrs[i], &len)) return 0;
    if (i == 0) len0 = len;
    else if (len < len0) {
      napi_throw_range_error(env, NULL, name);
      return 0;
    }
  }
  *n = len0;
  return 1;
}

static napi_value run_act(napi_env env, napi_callback_info info, int op) {
  static const size_t counts[4] = {2, 3, 3, 5};
  static const char* usage[4] = {"geluTanh: expected (x, y)", "geluTanhGrad: expected (dy, x, dx)", "swiglu: expected (gate, up, out)",
                                 "swigluGrad: expected (dy, gate, up, dgate, dup)"};
  static const char* shorter[4] = {"geluTanh: y shorter than x", "geluTanhGrad: x or dx shorter than dy", "swiglu: up or out shorter than gate",
                                   "swigluGrad: an array is shorter than dy"};
  size_t argc = 5;
  napi_value argv[5];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  size_t count = counts[op];
  if (argc < count) THROW(env, usage[op]);
  float* arrs[5] = {0};
  size_t n;
  if (!read_arrays(env, argv, count, arrs, &n, shorter[op])) return NULL;
  act_ctx c = {op, NULL, NULL, NULL, NULL, NULL};
  switch (op) {
    case 0: c.a = arrs[0]; c.o1 = arrs[1]; break;
    case 1: c.a = arrs[0]; c.b = arrs[1]; c.o1 = arrs[2]; break;
    case 2: c.a = arrs[0]; c.b = arrs[1]; c.o1 = arrs[2]; break;
    default: c.a = arrs[0]; c.b = arrs[1]; c.c = arrs[2]; c.o1 = arrs[3]; c.o2 = arrs[4]; break;
  }
  parallel_for(n, 1 << 17, act_range, &c);
  return NULL;
}

napi_value gelu_tanh_fn(napi_env env, napi_callback_info info) { return run_act(env, info, 0); }
napi_value gelu_tanh_grad_fn(napi_env env, napi_callback_info info) { return run_act(env, info, 1); }
napi_value swiglu_fn(napi_env env, napi_callback_info info) { return run_act(env, info, 2); }
napi_value swiglu_grad_fn(napi_env env, napi_callback_info info) { return run_act(env, info, 3); }
