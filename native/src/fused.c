/*
 * Row kernels over a [rows, cols] float32 matrix, parallel over rows, one pass to find the max and
 * one (or two) to exponentiate — where tfjs' op-by-op path makes five full passes with temporaries.
 *   softmax(x, out, rows, cols)
 *   logSoftmax(x, out, rows, cols)
 *   crossEntropy(x, targets, losses, dx | null, rows, cols, scale | Float32Array per-row scale):
 *     losses[r] = logsumexp(x_r) − x_r[targets[r]];  dx_r = scale_r·(softmax(x_r) − onehot(targets[r]))
 * Sums accumulate in double so long rows (50k-entry vocabularies) keep float32 accuracy.
 */
#include <math.h>
#include <stdlib.h>
#include "common.h"
#include "fastmath.h"

typedef struct {
  const float* x;
  float* out;
  const int32_t* targets;
  float* losses;
  size_t cols;
  double scale;
  const float* row_scale; /* per-row scale (cross-entropy gradient), or NULL for `scale` */
  int mode; /* 0 softmax, 1 log-softmax, 2 cross-entropy */
} rows_ctx;

static void rows_range(void* p, size_t begin, size_t end) {
  rows_ctx* c = (rows_ctx*)p;
  size_t n = c->cols;
  /* Exponentials go to the output row (or scratch when there is none), in their own loop so it vectorises. */
  float* scratch = c->out ? NULL : (float*)malloc(n * sizeof(float));
  if (!c->out && !scratch) return;
  for (size_t r = begin; r < end; r++) {
    const float* x = c->x + r * n;
    float* o = c->out ? c->out + r * n : scratch;
    float mx = -INFINITY;
    for (size_t j = 0; j < n; j++) mx = x[j] > mx ? x[j] : mx;
    for (size_t j = 0; j < n; j++) o[j] = tk_expf(x[j] - mx);
    double sum = tk_lane_sum(o, n);
    if (c->mode == 0) {
      float inv = (float)(1.0 / sum);
      for (size_t j = 0; j < n; j++) o[j] *= inv;
      continue;
    }
    float lse = mx + (float)log(sum);
    if (c->mode == 1) {
      for (size_t j = 0; j < n; j++) o[j] = x[j] - lse;
      continue;
    }
    int32_t t = c->targets[r];
    c->losses[r] = lse - x[t];
    if (c->out) {
      double sc = c->row_scale ? (double)c->row_scale[r] : c->scale;
      float s = (float)(sc / sum);
      for (size_t j = 0; j < n; j++) o[j] *= s;
      o[t] -= (float)sc;
    }
  }
  free(scratch);
}

static napi_value run_rows(napi_env env, napi_callback_info info, int mode) {
  size_t argc = 7;
  napi_value argv[7];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  rows_ctx c = {0};
  c.mode = mode;
  float *x, *out = NULL;
  size_t lx, lo = 0;
  int64_t rows, cols;
  if (mode < 2) {
    if (argc < 4) THROW(env, "softmax: expected (x, out, rows, cols)");
    if (!get_f32(env, argv[0], &x, &lx) || !get_f32(env, argv[1], &out, &lo)) return NULL;
    if (!get_int(env, argv[2], &rows) || !get_int(env, argv[3], &cols)) return NULL;
  } else {
    if (argc < 7) THROW(env, "crossEntropy: expected (x, targets, losses, dx, rows, cols, scale)");
    int32_t* t;
    size_t lt, ll;
    float* losses;
    napi_valuetype vt;
    if (!get_f32(env, argv[0], &x, &lx) || !get_i32(env, argv[1], &t, &lt) || !get_f32(env, argv[2], &losses, &ll)) return NULL;
    napi_typeof(env, argv[3], &vt);
    if (vt != napi_null && !get_f32(env, argv[3], &out, &lo)) return NULL;
    if (!get_int(env, argv[4], &rows) || !get_int(env, argv[5], &cols)) return NULL;
    napi_valuetype st;
    napi_typeof(env, argv[6], &st);
    if (st == napi_number) {
      if (!get_double(env, argv[6], &c.scale)) return NULL;
    } else {
      float* rs;
      size_t lrs;
      if (!get_f32(env, argv[6], &rs, &lrs)) return NULL;
      if ((int64_t)lrs < rows) THROW(env, "crossEntropy: per-row scale shorter than rows");
      c.row_scale = rs;
    }
    if (rows < 0 || (size_t)rows > lt || (size_t)rows > ll) THROW(env, "crossEntropy: targets/losses too short");
    for (int64_t r = 0; r < rows; r++)
      if (t[r] < 0 || t[r] >= cols) THROW(env, "crossEntropy: target outside [0, cols)");
    c.targets = t;
    c.losses = losses;
  }
  if (rows < 0 || cols <= 0) THROW(env, "row kernel: bad shape");
  size_t total = (size_t)rows * (size_t)cols;
  if (total > lx || (out && total > lo)) THROW(env, "row kernel: array shorter than rows·cols");
  c.x = x;
  c.out = out;
  c.cols = (size_t)cols;
  size_t min_rows = (size_t)(1 << 20) / (size_t)cols + 1; /* thread hand-off only pays for ~1M elements per thread */
  parallel_for((size_t)rows, min_rows, rows_range, &c);
  return NULL;
}

napi_value softmax_fn(napi_env env, napi_callback_info info) { return run_rows(env, info, 0); }
napi_value log_softmax_fn(napi_env env, napi_callback_info info) { return run_rows(env, info, 1); }
napi_value xent_fn(napi_env env, napi_callback_info info) { return run_rows(env, info, 2); }
