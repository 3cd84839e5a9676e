/*
 * Fused LayerNorm and RMSNorm over the rows of a [rows, cols] float32 matrix, forward and backward,
 * parallel over rows. One pass per statistic instead of tfjs' mean/sub/square/mean/add/rsqrt/mul/mul
 * chain with a full temporary per step (and twice as many in the backward pass).
 *   layerNorm(x, w, b | null, y, mean | null, rstd | null, rows, cols, eps)
 *     y = (x − mean)·rstd·w (+ b), rstd = 1/√(var + eps), biased variance (as torch)
 *   layerNormGrad(dy, x, w, mean, rstd, dx, dw | null, db | null, rows, cols)
 *   rmsNorm(x, w, y, rstd | null, rows, cols, eps)             y = x·rstd·w, rstd = 1/√(mean(x²) + eps)
 *   rmsNormGrad(dy, x, w, rstd, dx, dw | null, rows, cols)
 * With x̂ = (x − mean)·rstd and g = dy·w:  dx = rstd·(g − mean(g) − x̂·mean(g·x̂))  (RMS: no mean(g) term),
 * dw = Σ_rows dy·x̂, db = Σ_rows dy. Row statistics and the column sums accumulate in double; the
 * column sums go to per-thread partials merged under a mutex, so no two threads write one element.
 */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "common.h"

typedef struct {
  int rms; /* 1: RMSNorm (no centring, no bias) */
  const float *x, *w, *b, *dy;
  float *y, *mean, *rstd, *dx;
  size_t cols;
  float eps;
  double *dw_acc, *db_acc; /* backward: shared column sums (NULL when not wanted) */
  pthread_mutex_t lock;
  int failed; /* a worker could not allocate its partial sums */
} norm_ctx;

/* Sum of v (times itself when sq) with 16 float lanes combined in double; vectorises at -O3. */
static inline double lanes(const float* v, size_t n, float shift, int sq) {
  float acc[16] = {0};
  size_t j = 0;
  for (; j + 16 <= n; j += 16)
    for (int l = 0; l < 16; l++) {
      float d = v[j + l] - shift;
      acc[l] += sq ? d * d : d;
    }
  double s = 0;
  for (int l = 0; l < 16; l++) s += acc[l];
  for (; j < n; j++) {
    float d = v[j] - shift;
    s += sq ? (double)d * d : d;
  }
  return s;
}

static void forward_rows(void* p, size_t begin, size_t end) {
  norm_ctx* c = (norm_ctx*)p;
  size_t n = c->cols;
  for (size_t r = begin; r < end; r++) {
    const float* x = c->x + r * n;
    float* y = c->y + r * n;
    float mu = c->rms ? 0.0f : (float)(lanes(x, n, 0.0f, 0) / (double)n);
    /* Two-pass variance around the float mean, as the composition computes it. */
    double var = lanes(x, n, mu, 1) / (double)n;
    float rs = (float)(1.0 / sqrt(var + (double)c->eps));
    if (c->mean) c->mean[r] = mu;
    if (c->rstd) c->rstd[r] = rs;
    const float* w = c->w;
    if (c->b) {
      const float* b = c->b;
      for (size_t j = 0; j < n; j++) y[j] = (x[j] - mu) * rs * w[j] + b[j];
    } else {
      for (size_t j = 0; j < n; j++) y[j] = (x[j] - mu) * rs * w[j];
    }
  }
}

static void backward_rows(void* p, size_t begin, size_t end) {
  norm_ctx* c = (norm_ctx*)p;
  size_t n = c->cols;
  double* dw = c->dw_acc ? (double*)calloc(n, sizeof(double)) : NULL;
  double* db = c->db_acc ? (double*)calloc(n, sizeof(double)) : NULL;
  if ((c->dw_acc && !dw) || (c->db_acc && !db)) {
    free(dw);
    free(db);
    pthread_mutex_lock(&c->lock);
    c->failed = 1;
    pthread_mutex_unlock(&c->lock);
    return;
  }
  const float* w = c->w;
  for (size_t r = begin; r < end; r++) {
    const float* x = c->x + r * n;
    const float* dy = c->dy + r * n;
    float* dx = c->dx + r * n;
    float mu = c->rms ? 0.0f : c->mean[r];
    float rs = c->rstd[r];
    /* Row sums of g = dy·w and g·x̂ in float lanes, combined in double. */
    float sg[16] = {0}, sgx[16] = {0};
    size_t j = 0;
    for (; j + 16 <= n; j += 16)
      for (int l = 0; l < 16; l++) {
        float g = dy[j + l] * w[j + l];
        sg[l] += g;
        sgx[l] += g * ((x[j + l] - mu) * rs);
      }
    double tg = 0, tgx = 0;
    for (int l = 0; l < 16; l++) {
      tg += sg[l];
      tgx += sgx[l];
    }
    for (; j < n; j++) {
      float g = dy[j] * w[j];
      tg += g;
      tgx += (double)g * ((x[j] - mu) * rs);
    }
    float mg = c->rms ? 0.0f : (float)(tg / (double)n);
    float mgx = (float)(tgx / (double)n);
    for (size_t k = 0; k < n; k++) {
      float xh = (x[k] - mu) * rs;
      dx[k] = rs * (dy[k] * w[k] - mg - xh * mgx);
    }
    if (dw)
      for (size_t k = 0; k < n; k++) dw[k] += (double)(dy[k] * ((x[k] - mu) * rs));
    if (db)
      for (size_t k = 0; k < n; k++) db[k] += dy[k];
  }
  if (dw || db) {
    pthread_mutex_lock(&c->lock);
    if (dw)
      for (size_t k = 0; k < n; k++) c->dw_acc[k] += dw[k];
    if (db)
      for (size_t k = 0; k < n; k++) c->db_acc[k] += db[k];
    pthread_mutex_unlock(&c->lock);
  }
  free(dw);
  free(db);
}

/* Rows per thread worth a thread hand-off (~256k elements). */
static size_t min_rows(size_t cols) { return (size_t)(1 << 18) / cols + 1; }

/* An optional Float32Array (null/undefined → NULL) of at least `need` elements. */
static int opt_f32(napi_env env, napi_value v, float** data, size_t need, const char* what) {
  napi_valuetype vt;
  napi_typeof(env, v, &vt);
  if (vt == napi_null || vt == napi_undefined) {
    *data = NULL;
    return 1;
  }
  size_t len;
  if (!get_f32(env, v, data, &len)) return 0;
  if (len < need) {
    napi_throw_range_error(env, NULL, what);
    return 0;
  }
  return 1;
}

static int shape_ok(napi_env env, napi_value vr, napi_value vc, size_t* rows, size_t* cols) {
  int64_t r, c;
  if (!get_int(env, vr, &r) || !get_int(env, vc, &c)) return 0;
  if (r < 0 || c <= 0) {
    napi_throw_range_error(env, NULL, "norm: rows must be >= 0 and cols > 0");
    return 0;
  }
  *rows = (size_t)r;
  *cols = (size_t)c;
  return 1;
}

/* layerNorm / rmsNorm forward; argument order in the header comment. */
static napi_value norm_forward(napi_env env, napi_callback_info info, int rms) {
  size_t argc = 9;
  napi_value argv[9];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  size_t want = rms ? 7 : 9;
  if (argc < want) THROW(env, rms ? "rmsNorm: expected (x, w, y, rstd, rows, cols, eps)" : "layerNorm: expected (x, w, b, y, mean, rstd, rows, cols, eps)");
  napi_value* a = argv;
  /* RMSNorm has no bias and no mean: map its arguments onto LayerNorm's slots. */
  napi_value vx = a[0], vw = a[1], vb = rms ? NULL : a[2], vy = a[rms ? 2 : 3], vmean = rms ? NULL : a[4], vrstd = a[rms ? 3 : 5];
  size_t rows, cols;
  double eps;
  if (!shape_ok(env, a[rms ? 4 : 6], a[rms ? 5 : 7], &rows, &cols) || !get_double(env, a[rms ? 6 : 8], &eps)) return NULL;
  float *x, *w, *y, *b = NULL, *mean = NULL, *rstd = NULL;
  size_t lx, lw, ly;
  if (!get_f32(env, vx, &x, &lx) || !get_f32(env, vw, &w, &lw) || !get_f32(env, vy, &y, &ly)) return NULL;
  size_t total = rows * cols;
  if (lx < total || ly < total) THROW(env, "norm: x or y shorter than rows·cols");
  if (lw < cols) THROW(env, "norm: weight shorter than cols");
  if (vb && !opt_f32(env, vb, &b, cols, "layerNorm: bias shorter than cols")) return NULL;
  if (vmean && !opt_f32(env, vmean, &mean, rows, "layerNorm: mean shorter than rows")) return NULL;
  if (!opt_f32(env, vrstd, &rstd, rows, "norm: rstd shorter than rows")) return NULL;
  if (!(eps >= 0)) THROW(env, "norm: eps must be >= 0");
  norm_ctx c;
  memset(&c, 0, sizeof c);
  c.rms = rms;
  c.x = x;
  c.w = w;
  c.b = b;
  c.y = y;
  c.mean = mean;
  c.rstd = rstd;
  c.cols = cols;
  c.eps = (float)eps;
  parallel_for(rows, min_rows(cols), forward_rows, &c);
  return NULL;
}

/* layerNormGrad / rmsNormGrad; argument order in the header comment. */
static napi_value norm_backward(napi_env env, napi_callback_info info, int rms) {
  size_t argc = 10;
  napi_value argv[10];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  size_t want = rms ? 8 : 10;
  if (argc < want) THROW(env, rms ? "rmsNormGrad: expected (dy, x, w, rstd, dx, dw, rows, cols)" : "layerNormGrad: expected (dy, x, w, mean, rstd, dx, dw, db, rows, cols)");
  napi_value* a = argv;
  napi_value vmean = rms ? NULL : a[3], vrstd = a[rms ? 3 : 4], vdx = a[rms ? 4 : 5], vdw = a[rms ? 5 : 6], vdb = rms ? NULL : a[7];
  size_t rows, cols;
  if (!shape_ok(env, a[rms ? 6 : 8], a[rms ? 7 : 9], &rows, &cols)) return NULL;
  float *dy, *x, *w, *rstd, *dx, *mean = NULL, *dw = NULL, *db = NULL;
  size_t ldy, lx, lw, lr, ldx;
  if (!get_f32(env, a[0], &dy, &ldy) || !get_f32(env, a[1], &x, &lx) || !get_f32(env, a[2], &w, &lw) || !get_f32(env, vrstd, &rstd, &lr) || !get_f32(env, vdx, &dx, &ldx)) return NULL;
  size_t total = rows * cols;
  if (ldy < total || lx < total || ldx < total) THROW(env, "norm grad: dy, x or dx shorter than rows·cols");
  if (lw < cols) THROW(env, "norm grad: weight shorter than cols");
  if (lr < rows) THROW(env, "norm grad: rstd shorter than rows");
  if (vmean) {
    size_t lm;
    if (!get_f32(env, vmean, &mean, &lm)) return NULL;
    if (lm < rows) THROW(env, "layerNormGrad: mean shorter than rows");
  }
  if (!opt_f32(env, vdw, &dw, cols, "norm grad: dw shorter than cols")) return NULL;
  if (vdb && !opt_f32(env, vdb, &db, cols, "layerNormGrad: db shorter than cols")) return NULL;
  norm_ctx c;
  memset(&c, 0, sizeof c);
  c.rms = rms;
  c.dy = dy;
  c.x = x;
  c.w = w;
  c.mean = mean;
  c.rstd = rstd;
  c.dx = dx;
  c.cols = cols;
  c.dw_acc = dw ? (double*)calloc(cols, sizeof(double)) : NULL;
  c.db_acc = db ? (double*)calloc(cols, sizeof(double)) : NULL;
  if ((dw && !c.dw_acc) || (db && !c.db_acc)) {
    free(c.dw_acc);
    free(c.db_acc);
    THROW(env, "norm grad: out of memory");
  }
  pthread_mutex_init(&c.lock, NULL);
  parallel_for(rows, min_rows(cols), backward_rows, &c);
  pthread_mutex_destroy(&c.lock);
  for (size_t k = 0; dw && k < cols; k++) dw[k] = (float)c.dw_acc[k];
  for (size_t k = 0; db && k < cols; k++) db[k] = (float)c.db_acc[k];
  free(c.dw_acc);
  free(c.db_acc);
  if (c.failed) THROW(env, "norm grad: out of memory");
  return NULL;
}

napi_value layer_norm_fn(napi_env env, napi_callback_info info) { return norm_forward(env, info, 0); }
napi_value rms_norm_fn(napi_env env, napi_callback_info info) { return norm_forward(env, info, 1); }
napi_value layer_norm_grad_fn(napi_env env, napi_callback_info info) { return norm_backward(env, info, 0); }
napi_value rms_norm_grad_fn(napi_env env, napi_callback_info info) { return norm_backward(env, info, 1); }
