/*
 * Fused optimizer kernels, in place on the tensors' own float32 arrays (one pass over p, g, m, v
 * where tfjs' op-by-op update makes about fourteen passes, each allocating a full-size output).
 *   adamw(p, g, m, v, k): torch.optim.AdamW's single-tensor step (amsgrad off), float32 arithmetic
 *     in torch's order. k (Float64Array) = [decay, oneMinusBeta1, beta2, oneMinusBeta2,
 *     biasCorrection2Sqrt, eps, stepSize, gradScale]; every coefficient is rounded to float32 as
 *     torch does with Python scalars on CPU tensors.
 *       g ← g·gradScale (clip_grad_norm_'s in-place scaling, skipped when gradScale is 1)
 *       p ← p·decay;  m ← m + (1−β1)·(g − m) (lerp);  v ← v·β2 + (1−β2)·g·g (addcmul)
 *       p ← p − stepSize·m / (√v / bc2 + eps) (addcdiv)
 *   sumSquares(x) → Σ x² accumulated in double (for the global gradient norm).
 */
#include <math.h>
#include "common.h"

typedef struct {
  float *p, *m, *v;
  const float* g;
  float decay, c1, b2, c2, bc2, eps, step, scale;
} adamw_ctx;

static void adamw_range(void* ctx, size_t begin, size_t end) {
  adamw_ctx* c = (adamw_ctx*)ctx;
  float *p = c->p, *m = c->m, *v = c->v;
  const float* g = c->g;
  const float decay = c->decay, c1 = c->c1, b2 = c->b2, c2 = c->c2, bc2 = c->bc2, eps = c->eps, step = c->step, scale = c->scale;
  const int scaled = scale != 1.0f, decayed = decay != 1.0f;
  for (size_t i = begin; i < end; i++) {
    float gi = scaled ? g[i] * scale : g[i];
    float pi = decayed ? p[i] * decay : p[i];
    float mi = m[i] + c1 * (gi - m[i]);
    float vi = v[i] * b2 + c2 * gi * gi;
    float denom = sqrtf(vi) / bc2 + eps;
    m[i] = mi;
    v[i] = vi;
    p[i] = pi + (-step) * (mi / denom);
  }
}

napi_value adamw_fn(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 5) THROW(env, "adamw: expected (p, g, m, v, coefficients)");
  float *p, *g, *m, *v;
  double* k;
  size_t lp, lg, lm, lv, lk;
  if (!get_f32(env, argv[0], &p, &lp) || !get_f32(env, argv[1], &g, &lg) || !get_f32(env, argv[2], &m, &lm) || !get_f32(env, argv[3], &v, &lv)) return NULL;
  if (!get_f64_opt(env, argv[4], &k, &lk) || k == NULL || lk < 8) THROW(env, "adamw: coefficients must be a Float64Array of 8");
  if (lg != lp || lm != lp || lv != lp) THROW(env, "adamw: p, g, m and v must have the same length");
  if (p == m || p == v || m == v || (float*)g == p || (float*)g == m || (float*)g == v) {
    if (lp > 0) THROW(env, "adamw: p, g, m and v must be distinct arrays");
  }
  adamw_ctx c = {p, m, v, g, (float)k[0], (float)k[1], (float)k[2], (float)k[3], (float)k[4], (float)k[5], (float)k[6], (float)k[7]};
  parallel_for(lp, 1 << 16, adamw_range, &c);
  return NULL;
}

typedef struct {
  const float* x;
  size_t n, step; /* elements; blocks per part */
  double partial[64];
} ss_ctx;

static void ss_range(void* ctx, size_t begin, size_t end) {
  ss_ctx* c = (ss_ctx*)ctx;
  /* Eight double lanes (vectorises without -ffast-math; the loop is bound by memory anyway). */
  double total = 0;
  for (size_t b = begin; b < end; b++) {
    size_t lo = b * 4096, hi = lo + 4096 < c->n ? lo + 4096 : c->n;
    double acc[8] = {0};
    size_t j = lo;
    for (; j + 8 <= hi; j += 8)
      for (int l = 0; l < 8; l++) acc[l] += (double)c->x[j + l] * (double)c->x[j + l];
    double s = 0;
    for (int l = 0; l < 8; l++) s += acc[l];
    for (; j < hi; j++) s += (double)c->x[j] * c->x[j];
    total += s;
  }
  /* parallel_for gives part i the blocks [i·step, (i+1)·step), so `begin` names the part. */
  c->partial[begin / c->step] = total;
}

napi_value sum_squares_fn(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 1) THROW(env, "sumSquares: expected (x)");
  float* x;
  size_t n;
  if (!get_f32(env, argv[0], &x, &n)) return NULL;
  ss_ctx c;
  c.x = x;
  c.n = n;
  for (int i = 0; i < 64; i++) c.partial[i] = 0;
  size_t blocks = (n + 4095) / 4096, parts = parallel_parts(blocks, 16);
  c.step = parts ? (blocks + parts - 1) / parts : 1;
  if (blocks > 0) parallel_for(blocks, 16, ss_range, &c);
  double total = 0;
  for (int i = 0; i < 64; i++) total += c.partial[i];
  napi_value out;
  napi_create_double(env, total, &out);
  return out;
}
