/*
 * gemm(a, b, c, m, n, k, transA, transB, aOffsets, bOffsets, alpha, beta):
 * for each batch i, C_i = alpha·op(A_i)·op(B_i) + beta·C_i, all row-major, where A_i starts at
 * element aOffsets[i] of `a` (aOffsets null: a single matrix at 0, shared by every batch) and C_i
 * at i·m·n of `c`. The batch count is the length of the longer offsets array (1 when both null).
 * Broadcast batches are expressed by the caller through repeated offsets.
 */
#include <cblas.h>
#include "common.h"

typedef struct {
  const float *a, *b;
  float* c;
  const double *ao, *bo;
  int m, n, k, lda, ldb, ta, tb;
  float alpha, beta;
  size_t csz;
} gemm_ctx;

static void gemm_batches(void* p, size_t begin, size_t end) {
  gemm_ctx* g = (gemm_ctx*)p;
  for (size_t i = begin; i < end; i++) {
    const float* A = g->a + (size_t)(g->ao ? g->ao[i] : 0);
    const float* B = g->b + (size_t)(g->bo ? g->bo[i] : 0);
    cblas_sgemm(CblasRowMajor, g->ta ? CblasTrans : CblasNoTrans, g->tb ? CblasTrans : CblasNoTrans, g->m, g->n, g->k, g->alpha, A, g->lda, B,
                g->ldb, g->beta, g->c + i * g->csz, g->n);
  }
}

napi_value gemm_fn(napi_env env, napi_callback_info info) {
  size_t argc = 12;
  napi_value argv[12];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 12) THROW(env, "gemm: expected 12 arguments");
  float *a, *b, *c;
  size_t la, lb, lc, lao, lbo;
  double *ao, *bo, alpha, beta;
  int64_t m, n, k;
  int ta, tb;
  if (!get_f32(env, argv[0], &a, &la) || !get_f32(env, argv[1], &b, &lb) || !get_f32(env, argv[2], &c, &lc)) return NULL;
  if (!get_int(env, argv[3], &m) || !get_int(env, argv[4], &n) || !get_int(env, argv[5], &k)) return NULL;
  if (!get_bool(env, argv[6], &ta) || !get_bool(env, argv[7], &tb)) return NULL;
  if (!get_f64_opt(env, argv[8], &ao, &lao) || !get_f64_opt(env, argv[9], &bo, &lbo)) return NULL;
  if (!get_double(env, argv[10], &alpha) || !get_double(env, argv[11], &beta)) return NULL;
  if (m < 0 || n < 0 || k < 0 || m > INT32_MAX || n > INT32_MAX || k > INT32_MAX) THROW(env, "gemm: bad dimensions");
  size_t batch = 1;
  if (ao && lao > batch) batch = lao;
  if (bo && lbo > batch) batch = lbo;
  if ((ao && lao != batch) || (bo && lbo != batch)) THROW(env, "gemm: offset arrays differ in length");
  size_t asz = (size_t)m * (size_t)k, bsz = (size_t)k * (size_t)n, csz = (size_t)m * (size_t)n;
  if (csz * batch > lc) THROW(env, "gemm: output too small");
  for (size_t i = 0; i < batch; i++) {
    double oa = ao ? ao[i] : 0, ob = bo ? bo[i] : 0;
    if (oa < 0 || ob < 0 || (size_t)oa + asz > la || (size_t)ob + bsz > lb) THROW(env, "gemm: operand offset out of range");
  }
  if (csz == 0) return NULL;
  int lda = ta ? (int)m : (int)k;
  int ldb = tb ? (int)k : (int)n;
  gemm_ctx g = {a, b, c, ao, bo, (int)m, (int)n, (int)k, lda, ldb, ta, tb, (float)alpha, (float)beta, csz};
  /* Many small products (attention heads): one single-threaded SGEMM per batch entry, batches
   * spread over the cores — OpenBLAS threads each small product poorly. */
  if (batch >= 2 && k > 0 && (double)m * (double)n * (double)k < 4e6 && pool_threads() > 1) {
    int saved = openblas_get_num_threads();
    openblas_set_num_threads(1);
    parallel_for(batch, 1, gemm_batches, &g);
    openblas_set_num_threads(saved);
    return NULL;
  }
  /* Small single products run on one thread: OpenBLAS's thread hand-off costs more than it saves
   * below a few million multiply-adds (generation's one-row products, tiny models). */
  int saved = openblas_get_num_threads();
  /* A matrix-vector product is bound by reading B, which both cores' bandwidth speeds up from
   * about 1 MB of weights on. */
  int small = (double)m * (double)n * (double)k * (double)batch < (m == 1 ? 2.5e5 : 2e6);
  if (small && saved > 1) openblas_set_num_threads(1);
  for (size_t i = 0; i < batch; i++) {
    const float* A = a + (size_t)(ao ? ao[i] : 0);
    const float* B = b + (size_t)(bo ? bo[i] : 0);
    float* C = c + i * csz;
    if (k == 0) {
      for (size_t j = 0; j < csz; j++) C[j] = beta == 0 ? 0.0f : (float)(beta * C[j]);
      continue;
    }
    if (m == 1) {
      /* One row (generation with a KV cache): a matrix-vector product reads B once, where SGEMM
       * would first pack a copy of it. op(A) is a contiguous row either way (lda = 1 when
       * transposed). C is zeroed first when beta is 0, so a reused output's old contents
       * (NaN included) never leak in. */
      if (beta == 0)
        for (size_t j = 0; j < csz; j++) C[j] = 0.0f;
      if (tb)
        cblas_sgemv(CblasRowMajor, CblasNoTrans, (int)n, (int)k, (float)alpha, B, ldb, A, 1, (float)beta, C, 1);
      else
        cblas_sgemv(CblasRowMajor, CblasTrans, (int)k, (int)n, (float)alpha, B, ldb, A, 1, (float)beta, C, 1);
      continue;
    }
    cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, (int)m, (int)n, (int)k,
                (float)alpha, A, lda, B, ldb, (float)beta, C, (int)n);
  }
  if (small && saved > 1) openblas_set_num_threads(saved);
  return NULL;
}
