/*
 * tunekit native addon: BLAS matrix products and fused row kernels that work in place on the
 * typed arrays of tfjs' cpu-backend tensors (N-API typed-array pointers, no copies).
 * Every entry point validates sizes against the arrays' real lengths before touching memory.
 */
#include <cblas.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include "common.h"

int get_f32(napi_env env, napi_value v, float** data, size_t* len) {
  napi_typedarray_type t;
  void* p = NULL;
  if (napi_get_typedarray_info(env, v, &t, len, &p, NULL, NULL) != napi_ok || t != napi_float32_array) {
    napi_throw_type_error(env, NULL, "expected a Float32Array");
    return 0;
  }
  *data = (float*)p;
  return 1;
}

int get_f64_opt(napi_env env, napi_value v, double** data, size_t* len) {
  napi_valuetype vt;
  napi_typeof(env, v, &vt);
  if (vt == napi_null || vt == napi_undefined) {
    *data = NULL;
    *len = 0;
    return 1;
  }
  napi_typedarray_type t;
  void* p = NULL;
  if (napi_get_typedarray_info(env, v, &t, len, &p, NULL, NULL) != napi_ok || t != napi_float64_array) {
    napi_throw_type_error(env, NULL, "expected a Float64Array or null");
    return 0;
  }
  *data = (double*)p;
  return 1;
}

int get_i32(napi_env env, napi_value v, int32_t** data, size_t* len) {
  napi_typedarray_type t;
  void* p = NULL;
  if (napi_get_typedarray_info(env, v, &t, len, &p, NULL, NULL) != napi_ok || t != napi_int32_array) {
    napi_throw_type_error(env, NULL, "expected an Int32Array");
    return 0;
  }
  *data = (int32_t*)p;
  return 1;
}

int get_int(napi_env env, napi_value v, int64_t* out) {
  if (napi_get_value_int64(env, v, out) != napi_ok) {
    napi_throw_type_error(env, NULL, "expected an integer");
    return 0;
  }
  return 1;
}

int get_double(napi_env env, napi_value v, double* out) {
  if (napi_get_value_double(env, v, out) != napi_ok) {
    napi_throw_type_error(env, NULL, "expected a number");
    return 0;
  }
  return 1;
}

int get_bool(napi_env env, napi_value v, int* out) {
  bool b = false;
  if (napi_get_value_bool(env, v, &b) != napi_ok) {
    napi_throw_type_error(env, NULL, "expected a boolean");
    return 0;
  }
  *out = b ? 1 : 0;
  return 1;
}

/* threads(n?) → the thread count used by BLAS and the row kernels (sets it when n is given). */
static napi_value threads_fn(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc >= 1) {
    napi_valuetype vt;
    napi_typeof(env, argv[0], &vt);
    if (vt == napi_number) {
      int64_t n;
      if (!get_int(env, argv[0], &n)) return NULL;
      if (n < 1) THROW(env, "threads must be >= 1");
      openblas_set_num_threads((int)n);
      set_pool_threads((int)n);
    }
  }
  napi_value out;
  napi_create_int32(env, openblas_get_num_threads(), &out);
  return out;
}

/* info() → { blas: "OpenBLAS 0.3.x …", cores, threads } */
static napi_value info_fn(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value obj, s, n, t;
  napi_create_object(env, &obj);
  char* cfg = openblas_get_config();
  napi_create_string_utf8(env, cfg ? cfg : "OpenBLAS", NAPI_AUTO_LENGTH, &s);
  napi_set_named_property(env, obj, "blas", s);
  napi_create_int32(env, openblas_get_num_procs(), &n);
  napi_set_named_property(env, obj, "cores", n);
  napi_create_int32(env, openblas_get_num_threads(), &t);
  napi_set_named_property(env, obj, "threads", t);
  return obj;
}

/* Bumped whenever the exported functions change; src/engine/native/addon.ts refuses other versions. */
#define TUNEKIT_ADDON_VERSION 2

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"gemm", NULL, gemm_fn, NULL, NULL, NULL, napi_default, NULL},
      {"logSoftmax", NULL, log_softmax_fn, NULL, NULL, NULL, napi_default, NULL},
      {"softmax", NULL, softmax_fn, NULL, NULL, NULL, napi_default, NULL},
      {"crossEntropy", NULL, xent_fn, NULL, NULL, NULL, napi_default, NULL},
      {"binary", NULL, binary_fn, NULL, NULL, NULL, napi_default, NULL},
      {"unary", NULL, unary_fn, NULL, NULL, NULL, napi_default, NULL},
      {"strided", NULL, strided_fn, NULL, NULL, NULL, napi_default, NULL},
      {"reduceRows", NULL, reduce_rows_fn, NULL, NULL, NULL, napi_default, NULL},
      {"reduceCols", NULL, reduce_cols_fn, NULL, NULL, NULL, napi_default, NULL},
      {"adamw", NULL, adamw_fn, NULL, NULL, NULL, napi_default, NULL},
      {"attnSoftmax", NULL, attn_softmax_fn, NULL, NULL, NULL, napi_default, NULL},
      {"attnSoftmaxGrad", NULL, attn_softmax_grad_fn, NULL, NULL, NULL, napi_default, NULL},
      {"expand4bit", NULL, expand4bit_fn, NULL, NULL, NULL, napi_default, NULL},
      {"sumSquares", NULL, sum_squares_fn, NULL, NULL, NULL, napi_default, NULL},
      {"layerNorm", NULL, layer_norm_fn, NULL, NULL, NULL, napi_default, NULL},
      {"layerNormGrad", NULL, layer_norm_grad_fn, NULL, NULL, NULL, napi_default, NULL},
      {"rmsNorm", NULL, rms_norm_fn, NULL, NULL, NULL, napi_default, NULL},
      {"rmsNormGrad", NULL, rms_norm_grad_fn, NULL, NULL, NULL, napi_default, NULL},
      {"geluTanh", NULL, gelu_tanh_fn, NULL, NULL, NULL, napi_default, NULL},
      {"geluTanhGrad", NULL, gelu_tanh_grad_fn, NULL, NULL, NULL, napi_default, NULL},
      {"swiglu", NULL, swiglu_fn, NULL, NULL, NULL, napi_default, NULL},
      {"swigluGrad", NULL, swiglu_grad_fn, NULL, NULL, NULL, napi_default, NULL},
      {"threads", NULL, threads_fn, NULL, NULL, NULL, napi_default, NULL},
      {"info", NULL, info_fn, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props);
  napi_value version;
  napi_create_int32(env, TUNEKIT_ADDON_VERSION, &version);
  napi_set_named_property(env, exports, "version", version);
  int cores = openblas_get_num_procs();
  set_pool_threads(cores);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
