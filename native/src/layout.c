/*
 * Layout kernels, parallel over rows of the output:
 *   strided(x, out, layout): out[i…] = x[base + Σ i_d·stride_d]; layout = [rank, base, shape…, strides…].
 *     One kernel for Transpose, Slice, Tile and broadcasts (the caller builds the strides).
 *   reduceRows(op, x, out, rows, cols): per row, 0 sum, 1 mean, 2 max, 3 min (sums in double).
 */
#include <math.h>
#include <stdlib.h>
#include "common.h"

#define MAX_RANK 8

typedef struct {
  const float* x;
  float* out;
  int rank;
  size_t base;
  size_t shape[MAX_RANK], st[MAX_RANK];
} copy_ctx;

static void copy_rows(void* p, size_t begin, size_t end) {
  copy_ctx* c = (copy_ctx*)p;
  int r = c->rank;
  size_t n = c->shape[r - 1], s = c->st[r - 1];
  for (size_t row = begin; row < end; row++) {
    size_t rest = row, off = c->base;
    for (int d = r - 2; d >= 0; d--) {
      off += (rest % c->shape[d]) * c->st[d];
      rest /= c->shape[d];
    }
    const float* X = c->x + off;
    float* O = c->out + row * n;
    if (s == 1) for (size_t j = 0; j < n; j++) O[j] = X[j];
    else for (size_t j = 0; j < n; j++) O[j] = X[j * s];
  }
}

napi_value strided_fn(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 3) THROW(env, "strided: expected (x, out, layout)");
  float *x, *out;
  double* layout;
  size_t lx, lo, ll;
  if (!get_f32(env, argv[0], &x, &lx) || !get_f32(env, argv[1], &out, &lo)) return NULL;
  if (!get_f64_opt(env, argv[2], &layout, &ll) || layout == NULL || ll < 2) THROW(env, "strided: layout missing");
  copy_ctx c;
  c.rank = (int)layout[0];
  if (c.rank < 1 || c.rank > MAX_RANK || ll < (size_t)(2 + 2 * c.rank)) THROW(env, "strided: bad layout");
  c.base = (size_t)layout[1];
  size_t total = 1, maxoff = c.base;
  for (int d = 0; d < c.rank; d++) {
    c.shape[d] = (size_t)layout[2 + d];
    c.st[d] = (size_t)layout[2 + c.rank + d];
    total *= c.shape[d];
    if (c.shape[d] > 0) maxoff += (c.shape[d] - 1) * c.st[d];
  }
  if (total == 0) return NULL;
  if (total > lo || maxoff >= lx) THROW(env, "strided: layout exceeds an array");
  c.x = x;
  c.out = out;
  size_t n = c.shape[c.rank - 1];
  parallel_for(total / n, (size_t)(1 << 20) / n + 1, copy_rows, &c);
  return NULL;
}

typedef struct {
  int op;
  const float* x;
  float* out;
  size_t cols;
} red_ctx;

static void red_rows(void* p, size_t begin, size_t end) {
  red_ctx* c = (red_ctx*)p;
  size_t n = c->cols;
  for (size_t r = begin; r < end; r++) {
    const float* x = c->x + r * n;
    if (c->op <= 1) {
      double s = 0;
      for (size_t j = 0; j < n; j++) s += x[j];
      c->out[r] = (float)(c->op == 1 ? s / (double)n : s);
    } else {
      float m = x[0];
      for (size_t j = 1; j < n; j++) {
        float v = x[j];
        if (isnan(v)) { m = v; break; }
        if (c->op == 2 ? v > m : v < m) m = v;
      }
      c->out[r] = m;
    }
  }
}

napi_value reduce_rows_fn(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 5) THROW(env, "reduceRows: expected (op, x, out, rows, cols)");
  int64_t op, rows, cols;
  float *x, *out;
  size_t lx, lo;
  if (!get_int(env, argv[0], &op) || !get_f32(env, argv[1], &x, &lx) || !get_f32(env, argv[2], &out, &lo)) return NULL;
  if (!get_int(env, argv[3], &rows) || !get_int(env, argv[4], &cols)) return NULL;
  if (rows < 0 || cols < 1 || (size_t)(rows * cols) > lx || (size_t)rows > lo) THROW(env, "reduceRows: bad shape");
  red_ctx c = {(int)op, x, out, (size_t)cols};
  parallel_for((size_t)rows, (size_t)(1 << 20) / (size_t)cols + 1, red_rows, &c);
  return NULL;
}

/* reduceCols(op, x, out, rows, cols): per column of a [rows, cols] matrix, 0 sum, 1 mean (the
 * reduced axes lead, e.g. a bias gradient); parallel over column blocks, rows streamed in order. */
typedef struct {
  int op;
  const float* x;
  float* out;
  size_t rows, cols;
} col_ctx;

static void col_range(void* p, size_t begin, size_t end) {
  col_ctx* c = (col_ctx*)p;
  size_t w = end - begin;
  double* acc = (double*)calloc(w, sizeof(double));
  if (!acc) return;
  for (size_t r = 0; r < c->rows; r++) {
    const float* x = c->x + r * c->cols + begin;
    for (size_t j = 0; j < w; j++) acc[j] += x[j];
  }
  for (size_t j = 0; j < w; j++) c->out[begin + j] = (float)(c->op == 1 ? acc[j] / (double)c->rows : acc[j]);
  free(acc);
}

napi_value reduce_cols_fn(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 5) THROW(env, "reduceCols: expected (op, x, out, rows, cols)");
  int64_t op, rows, cols;
  float *x, *out;
  size_t lx, lo;
  if (!get_int(env, argv[0], &op) || !get_f32(env, argv[1], &x, &lx) || !get_f32(env, argv[2], &out, &lo)) return NULL;
  if (!get_int(env, argv[3], &rows) || !get_int(env, argv[4], &cols)) return NULL;
  if (rows < 1 || cols < 0 || (size_t)(rows * cols) > lx || (size_t)cols > lo || op < 0 || op > 1) THROW(env, "reduceCols: bad shape");
  col_ctx c = {(int)op, x, out, (size_t)rows, (size_t)cols};
  parallel_for((size_t)cols, (size_t)(1 << 16) / (size_t)rows + 64, col_range, &c);
  return NULL;
}
