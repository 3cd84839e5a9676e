/*
 * 4-bit weight expansion for QLoRA's frozen projections (src/quant/nf4-linear.ts):
 *   expand4bit(packed, absmax, code, out, blocksize): out[j] = code[nibble(j)] · absmax[j / blocksize]
 * with two codes per byte, high nibble first (bitsandbytes' packing), in the stored order.
 * Parallel over blocks; a 16-entry table per block makes each element one lookup.
 */
#include "common.h"

typedef struct {
  const uint8_t* packed;
  const float *absmax, *code;
  float* out;
  size_t n, bs;
} q4_ctx;

static void q4_blocks(void* p, size_t begin, size_t end) {
  q4_ctx* c = (q4_ctx*)p;
  float lut[16];
  for (size_t b = begin; b < end; b++) {
    float a = c->absmax[b];
    for (int k = 0; k < 16; k++) lut[k] = c->code[k] * a;
    size_t lo = b * c->bs, hi = lo + c->bs < c->n ? lo + c->bs : c->n;
    size_t j = lo;
    for (; j + 1 < hi; j += 2) {
      uint8_t byte = c->packed[j >> 1];
      c->out[j] = lut[byte >> 4];
      c->out[j + 1] = lut[byte & 15];
    }
    if (j < hi) c->out[j] = lut[c->packed[j >> 1] >> 4];
  }
}

napi_value expand4bit_fn(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 5) THROW(env, "expand4bit: expected (packed, absmax, code, out, blocksize)");
  napi_typedarray_type t;
  void* pp = NULL;
  size_t lp;
  if (napi_get_typedarray_info(env, argv[0], &t, &lp, &pp, NULL, NULL) != napi_ok || t != napi_uint8_array) {
    napi_throw_type_error(env, NULL, "expand4bit: packed must be a Uint8Array");
    return NULL;
  }
  float *absmax, *code, *out;
  size_t la, lc, lo;
  int64_t bs;
  if (!get_f32(env, argv[1], &absmax, &la) || !get_f32(env, argv[2], &code, &lc) || !get_f32(env, argv[3], &out, &lo) || !get_int(env, argv[4], &bs)) return NULL;
  if (bs < 2 || bs % 2 != 0) THROW(env, "expand4bit: blocksize must be even and >= 2");
  if (lc < 16) THROW(env, "expand4bit: the code book needs 16 entries");
  size_t n = lo, blocks = (n + (size_t)bs - 1) / (size_t)bs;
  if (lp < (n + 1) / 2 || la < blocks) THROW(env, "expand4bit: packed or absmax shorter than the output needs");
  q4_ctx c = {(const uint8_t*)pp, absmax, code, out, n, (size_t)bs};
  parallel_for(blocks, 4096, q4_blocks, &c);
  return NULL;
}
