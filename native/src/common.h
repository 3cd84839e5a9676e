/* Shared helpers of the tunekit native addon: argument readers that validate every typed array. */
#ifndef TUNEKIT_COMMON_H
#define TUNEKIT_COMMON_H
#define NAPI_VERSION 8
#include <node_api.h>
#include <stddef.h>
#include <stdint.h>

/* Throw a JS TypeError/RangeError and return NULL from the calling napi_callback. */
#define THROW(env, msg)                    \
  do {                                     \
    napi_throw_range_error(env, NULL, msg); \
    return NULL;                           \
  } while (0)

/* A float32 typed array's data and length (elements). Returns 0 on failure (exception pending). */
int get_f32(napi_env env, napi_value v, float** data, size_t* len);
/* A Float64Array (offsets) or null/undefined (data=NULL). */
int get_f64_opt(napi_env env, napi_value v, double** data, size_t* len);
/* An Int32Array. */
int get_i32(napi_env env, napi_value v, int32_t** data, size_t* len);
int get_int(napi_env env, napi_value v, int64_t* out);
int get_double(napi_env env, napi_value v, double* out);
int get_bool(napi_env env, napi_value v, int* out);

/* Split [0, n) over the worker pool (native/src/pool.c) and run fn(ctx, begin, end) on each part
 * (the caller runs part 0); part i is [i·ceil(n/parts), (i+1)·ceil(n/parts)). */
typedef void (*range_fn)(void* ctx, size_t begin, size_t end);
void parallel_for(size_t n, size_t min_chunk, range_fn fn, void* ctx);
/* How many parts parallel_for(n, min_chunk, …) uses (at least 1). */
size_t parallel_parts(size_t n, size_t min_chunk);
int pool_threads(void);
void set_pool_threads(int n);

napi_value gemm_fn(napi_env env, napi_callback_info info);
napi_value log_softmax_fn(napi_env env, napi_callback_info info);
napi_value softmax_fn(napi_env env, napi_callback_info info);
napi_value xent_fn(napi_env env, napi_callback_info info);
napi_value binary_fn(napi_env env, napi_callback_info info);
napi_value unary_fn(napi_env env, napi_callback_info info);
napi_value strided_fn(napi_env env, napi_callback_info info);
napi_value reduce_rows_fn(napi_env env, napi_callback_info info);
napi_value reduce_cols_fn(napi_env env, napi_callback_info info);
napi_value adamw_fn(napi_env env, napi_callback_info info);
napi_value expand4bit_fn(napi_env env, napi_callback_info info);
napi_value attn_softmax_fn(napi_env env, napi_callback_info info);
napi_value attn_softmax_grad_fn(napi_env env, napi_callback_info info);
napi_value sum_squares_fn(napi_env env, napi_callback_info info);
napi_value layer_norm_fn(napi_env env, napi_callback_info info);
napi_value layer_norm_grad_fn(napi_env env, napi_callback_info info);
napi_value rms_norm_fn(napi_env env, napi_callback_info info);
napi_value rms_norm_grad_fn(napi_env env, napi_callback_info info);
napi_value gelu_tanh_fn(napi_env env, napi_callback_info info);
napi_value gelu_tanh_grad_fn(napi_env env, napi_callback_info info);
napi_value swiglu_fn(napi_env env, napi_callback_info info);
napi_value swiglu_grad_fn(napi_env env, napi_callback_info info);
#endif
