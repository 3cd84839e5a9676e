/*
 * The element-wise middle of attention, fused (Megatron's "scaled masked softmax"): the score
 * products QKᵀ and PV stay SGEMM calls; between them tfjs would make a scaled copy, add the position
 * bias, add the mask and run softmax — four full [B, H, T, S] passes and outputs — and its backward
 * another five. Here it is one pass each way.
 *
 *   attnSoftmax(x, mask|null, maskStrides, bias|null, biasStrides, out, rows, cols, T, H, scale):
 *     row r of x ([B·H·T, S]) is (b, h, t) = (r / (H·T), (r / T) mod H, r mod T);
 *     out_r = softmax(x_r·scale + bias[b, h, t] + mask[b, h, t]) — the additions in that order, as
 *     the composition does. mask and bias are [·, ·, ·, S] arrays addressed with element strides
 *     (b, h, t) (0 on a broadcast axis).
 *   attnSoftmaxGrad(p, dy, dx, rows, cols, scale): dx = (p·dy − p·Σ(p·dy))·scale (softmax's
 *     backward, then the scale's).
 */
#include <math.h>
#include "common.h"
#include "fastmath.h"

typedef struct {
  const float *x, *mask, *bias, *dy;
  float* out;
  size_t cols, T, H;
  size_t ms[3], bs[3];
  float scale;
} attn_ctx;

static void attn_rows(void* p, size_t begin, size_t end) {
  attn_ctx* c = (attn_ctx*)p;
  size_t n = c->cols;
  for (size_t r = begin; r < end; r++) {
    size_t t = r % c->T, h = (r / c->T) % c->H, b = r / (c->T * c->H);
    const float* x = c->x + r * n;
    float* o = c->out + r * n;
    const float scale = c->scale;
    for (size_t j = 0; j < n; j++) o[j] = x[j] * scale;
    if (c->bias) {
      const float* bb = c->bias + b * c->bs[0] + h * c->bs[1] + t * c->bs[2];
      for (size_t j = 0; j < n; j++) o[j] += bb[j];
    }
    if (c->mask) {
      const float* m = c->mask + b * c->ms[0] + h * c->ms[1] + t * c->ms[2];
      for (size_t j = 0; j < n; j++) o[j] += m[j];
    }
    float mx = -INFINITY;
    for (size_t j = 0; j < n; j++) mx = o[j] > mx ? o[j] : mx;
    for (size_t j = 0; j < n; j++) o[j] = tk_expf(o[j] - mx);
    float inv = (float)(1.0 / tk_lane_sum(o, n));
    for (size_t j = 0; j < n; j++) o[j] *= inv;
  }
}

static void attn_grad_rows(void* p, size_t begin, size_t end) {
  attn_ctx* c = (attn_ctx*)p;
  size_t n = c->cols;
  for (size_t r = begin; r < end; r++) {
    const float* y = c->x + r * n;
    const float* dy = c->dy + r * n;
    float* dx = c->out + r * n;
    for (size_t j = 0; j < n; j++) dx[j] = dy[j] * y[j];
    float s = (float)tk_lane_sum(dx, n);
    const float scale = c->scale;
    for (size_t j = 0; j < n; j++) dx[j] = (dx[j] - s * y[j]) * scale;
  }
}

/* Check that every row's slice [offset, offset + cols) of a strided operand lies in the array. */
static int strided_fits(const double* st, size_t len, size_t B, size_t H, size_t T, size_t cols) {
  size_t last = (B - 1) * (size_t)st[0] + (H - 1) * (size_t)st[1] + (T - 1) * (size_t)st[2] + cols;
  return last <= len;
}

napi_value attn_softmax_fn(napi_env env, napi_callback_info info) {
  size_t argc = 11;
  napi_value argv[11];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 11) THROW(env, "attnSoftmax: expected (x, mask, maskStrides, bias, biasStrides, out, rows, cols, T, H, scale)");
  attn_ctx c = {0};
  float *x, *out, *mask = NULL, *bias = NULL;
  double *mst, *bst, scale;
  size_t lx, lo, lm = 0, lb = 0, lms, lbs;
  int64_t rows, cols, T, H;
  napi_valuetype vt;
  if (!get_f32(env, argv[0], &x, &lx) || !get_f32(env, argv[5], &out, &lo)) return NULL;
  napi_typeof(env, argv[1], &vt);
  if (vt != napi_null && !get_f32(env, argv[1], &mask, &lm)) return NULL;
  napi_typeof(env, argv[3], &vt);
  if (vt != napi_null && !get_f32(env, argv[3], &bias, &lb)) return NULL;
  if (!get_f64_opt(env, argv[2], &mst, &lms) || !get_f64_opt(env, argv[4], &bst, &lbs)) return NULL;
  if (!get_int(env, argv[6], &rows) || !get_int(env, argv[7], &cols) || !get_int(env, argv[8], &T) || !get_int(env, argv[9], &H) || !get_double(env, argv[10], &scale)) return NULL;
  if (rows < 0 || cols <= 0 || T <= 0 || H <= 0 || rows % (T * H) != 0) THROW(env, "attnSoftmax: rows must be B·H·T with positive sizes");
  size_t total = (size_t)rows * (size_t)cols, B = (size_t)(rows / (T * H));
  if (total > lx || total > lo) THROW(env, "attnSoftmax: x or out shorter than rows·cols");
  if (rows == 0) return NULL;
  if (mask && (mst == NULL || lms < 3 || !strided_fits(mst, lm, B, (size_t)H, (size_t)T, (size_t)cols))) THROW(env, "attnSoftmax: mask strides exceed the mask");
  if (bias && (bst == NULL || lbs < 3 || !strided_fits(bst, lb, B, (size_t)H, (size_t)T, (size_t)cols))) THROW(env, "attnSoftmax: bias strides exceed the bias");
  c.x = x;
  c.out = out;
  c.mask = mask;
  c.bias = bias;
  c.cols = (size_t)cols;
  c.T = (size_t)T;
  c.H = (size_t)H;
  for (int i = 0; i < 3; i++) {
    c.ms[i] = mask ? (size_t)mst[i] : 0;
    c.bs[i] = bias ? (size_t)bst[i] : 0;
  }
  c.scale = (float)scale;
  parallel_for((size_t)rows, (size_t)(1 << 16) / (size_t)cols + 1, attn_rows, &c);
  return NULL;
}

napi_value attn_softmax_grad_fn(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 6) THROW(env, "attnSoftmaxGrad: expected (p, dy, dx, rows, cols, scale)");
  float *y, *dy, *dx;
  size_t ly, ldy, ldx;
  int64_t rows, cols;
  double scale;
  if (!get_f32(env, argv[0], &y, &ly) || !get_f32(env, argv[1], &dy, &ldy) || !get_f32(env, argv[2], &dx, &ldx)) return NULL;
  if (!get_int(env, argv[3], &rows) || !get_int(env, argv[4], &cols) || !get_double(env, argv[5], &scale)) return NULL;
  if (rows < 0 || cols <= 0) THROW(env, "attnSoftmaxGrad: bad shape");
  size_t total = (size_t)rows * (size_t)cols;
  if (total > ly || total > ldy || total > ldx) THROW(env, "attnSoftmaxGrad: array shorter than rows·cols");
  attn_ctx c = {0};
  c.x = y;
  c.dy = dy;
  c.out = dx;
  c.cols = (size_t)cols;
  c.scale = (float)scale;
  parallel_for((size_t)rows, (size_t)(1 << 16) / (size_t)cols + 1, attn_grad_rows, &c);
  return NULL;
}
