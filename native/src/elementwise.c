/*
 * Element-wise kernels on float32 arrays, parallel over rows.
 *   binary(op, a, b, out, layout): out = a ∘ b with broadcasting. `layout` (Float64Array) is
 *     [rank, outShape[rank], aStrides[rank], bStrides[rank]] with strides in elements (0 on a
 *     broadcast axis), dims already collapsed by the caller so the last axis is the long one.
 *   unary(op, x, out): out = f(x) element by element.
 * Ops follow tfjs' cpu definitions (see native-kernels in src/engine/native/elementwise.ts).
 */
#include <math.h>
#include "common.h"
#include "fastmath.h"

#define MAX_RANK 8

typedef struct {
  int op;
  const float *a, *b;
  float* out;
  int rank;
  size_t shape[MAX_RANK];
  size_t sa[MAX_RANK], sb[MAX_RANK];
} bin_ctx;

static inline float apply_bin(int op, float x, float y) {
  switch (op) {
    case 0: return x + y;
    case 1: return x - y;
    case 2: return x * y;
    case 3: return x / y;
    case 4: return (x > y || isnan(x)) ? x : y; /* maximum (NaN propagates as in tfjs) */
    case 5: return (x < y || isnan(x)) ? x : y;
    case 6: { float d = x - y; return d * d; }
    default: return NAN;
  }
}

#define INNER_LOOP(EXPR)                                               \
  if (ia == 1 && ib == 1) for (size_t j = 0; j < n; j++) { float x = A[j], y = B[j]; O[j] = EXPR; } \
  else if (ia == 1 && ib == 0) { float y = B[0]; for (size_t j = 0; j < n; j++) { float x = A[j]; O[j] = EXPR; } } \
  else if (ia == 0 && ib == 1) { float x = A[0]; for (size_t j = 0; j < n; j++) { float y = B[j]; O[j] = EXPR; } } \
  else for (size_t j = 0; j < n; j++) { float x = A[j * ia], y = B[j * ib]; O[j] = EXPR; }

static void bin_rows(void* p, size_t begin, size_t end) {
  bin_ctx* c = (bin_ctx*)p;
  int r = c->rank;
  size_t n = c->shape[r - 1], ia = c->sa[r - 1], ib = c->sb[r - 1];
  for (size_t row = begin; row < end; row++) {
    size_t rest = row, oa = 0, ob = 0;
    for (int d = r - 2; d >= 0; d--) {
      size_t i = rest % c->shape[d];
      rest /= c->shape[d];
      oa += i * c->sa[d];
      ob += i * c->sb[d];
    }
    const float* A = c->a + oa;
    const float* B = c->b + ob;
    float* O = c->out + row * n;
    switch (c->op) {
      case 0: INNER_LOOP(x + y); break;
      case 1: INNER_LOOP(x - y); break;
      case 2: INNER_LOOP(x * y); break;
      case 3: INNER_LOOP(x / y); break;
      default: INNER_LOOP(apply_bin(c->op, x, y)); break;
    }
  }
}

napi_value binary_fn(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 5) THROW(env, "binary: expected (op, a, b, out, layout)");
  int64_t op;
  float *a, *b, *out;
  double* layout;
  size_t la, lb, lo, ll;
  if (!get_int(env, argv[0], &op) || !get_f32(env, argv[1], &a, &la) || !get_f32(env, argv[2], &b, &lb) || !get_f32(env, argv[3], &out, &lo)) return NULL;
  if (!get_f64_opt(env, argv[4], &layout, &ll) || layout == NULL || ll < 1) THROW(env, "binary: layout missing");
  bin_ctx c;
  c.op = (int)op;
  c.rank = (int)layout[0];
  if (c.rank < 1 || c.rank > MAX_RANK || ll < (size_t)(1 + 3 * c.rank)) THROW(env, "binary: bad layout");
  size_t total = 1, maxa = 0, maxb = 0;
  for (int d = 0; d < c.rank; d++) {
    c.shape[d] = (size_t)layout[1 + d];
    c.sa[d] = (size_t)layout[1 + c.rank + d];
    c.sb[d] = (size_t)layout[1 + 2 * c.rank + d];
    total *= c.shape[d];
    if (c.shape[d] > 0) {
      maxa += (c.shape[d] - 1) * c.sa[d];
      maxb += (c.shape[d] - 1) * c.sb[d];
    }
  }
  if (total == 0) return NULL;
  if (total > lo || maxa >= la || maxb >= lb) THROW(env, "binary: layout exceeds an array");
  c.a = a;
  c.b = b;
  c.out = out;
  size_t n = c.shape[c.rank - 1];
  size_t rows = total / n;
  parallel_for(rows, (size_t)(1 << 20) / n + 1, bin_rows, &c);
  return NULL;
}

typedef struct {
  int op;
  const float* x;
  float* out;
} un_ctx;

static void un_range(void* p, size_t begin, size_t end) {
  un_ctx* c = (un_ctx*)p;
  const float* x = c->x;
  float* o = c->out;
  switch (c->op) {
    case 0: for (size_t i = begin; i < end; i++) o[i] = tk_expf(x[i]); break;
    case 1: for (size_t i = begin; i < end; i++) o[i] = logf(x[i]); break;
    case 2: for (size_t i = begin; i < end; i++) o[i] = -x[i]; break;
    case 3: for (size_t i = begin; i < end; i++) o[i] = tk_tanhf(x[i]); break;
    case 4: for (size_t i = begin; i < end; i++) o[i] = sqrtf(x[i]); break;
    case 5: for (size_t i = begin; i < end; i++) o[i] = 1.0f / sqrtf(x[i]); break;
    case 6: for (size_t i = begin; i < end; i++) o[i] = x[i] * x[i]; break;
    case 7: for (size_t i = begin; i < end; i++) o[i] = 1.0f / (1.0f + tk_expf(-x[i])); break;
    case 8: for (size_t i = begin; i < end; i++) o[i] = fabsf(x[i]); break;
    case 9: for (size_t i = begin; i < end; i++) o[i] = x[i] < 0 ? 0.0f : x[i]; break;
    case 10: for (size_t i = begin; i < end; i++) o[i] = 1.0f / x[i]; break;
    default: for (size_t i = begin; i < end; i++) o[i] = NAN; break;
  }
}

napi_value unary_fn(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 3) THROW(env, "unary: expected (op, x, out)");
  int64_t op;
  float *x, *out;
  size_t lx, lo;
  if (!get_int(env, argv[0], &op) || !get_f32(env, argv[1], &x, &lx) || !get_f32(env, argv[2], &out, &lo)) return NULL;
  if (lo < lx) THROW(env, "unary: output shorter than input");
  un_ctx c = {(int)op, x, out};
  parallel_for(lx, 1 << 20, un_range, &c);
  return NULL;
}
