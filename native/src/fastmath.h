/*
 * Vectorisable float32 exp (Cephes polynomial, ~1 ulp) and tanh built on it. glibc's expf is a
 * scalar call per element; these compile to SIMD loops at -O3 without -ffast-math.
 */
#ifndef TUNEKIT_FASTMATH_H
#define TUNEKIT_FASTMATH_H
#include <stdint.h>
#include <stddef.h>
#include <string.h>

static inline float tk_expf(float x) {
  const float hi = 88.3762626647949f, lo = -87.3365478515625f;
  float xc = x > hi ? hi : (x < lo ? lo : x);
  float t = xc * 1.44269504088896341f;
  float n = (t + 12582912.0f) - 12582912.0f; /* round to nearest */
  float r = xc - n * 0.693359375f + n * 2.12194440e-4f;
  float p = 1.9875691500E-4f;
  p = p * r + 1.3981999507E-3f;
  p = p * r + 8.3334519073E-3f;
  p = p * r + 4.1665795894E-2f;
  p = p * r + 1.6666665459E-1f;
  p = p * r + 5.0000001201E-1f;
  float y = p * r * r + r + 1.0f;
  int32_t bits = ((int32_t)n + 127) << 23;
  float scale;
  memcpy(&scale, &bits, 4);
  y *= scale;
  y = x < lo ? 0.0f : y;
  y = x > hi ? (float)INFINITY : y;
  return x != x ? x : y; /* NaN in, NaN out */
}

static inline float tk_tanhf(float x) {
  float ax = x < 0 ? -x : x;
  float e = tk_expf(-2.0f * ax);
  float t = (1.0f - e) / (1.0f + e);
  float small = ax - ax * ax * ax * (1.0f / 3.0f);
  t = ax < 0.004f ? small : t;
  return x < 0 ? -t : t;
}
/* Sum with 16 float lanes (vectorises without -ffast-math), lanes combined in double. */
static inline double tk_lane_sum(const float* v, size_t n) {
  float acc[16] = {0};
  size_t j = 0;
  for (; j + 16 <= n; j += 16)
    for (int l = 0; l < 16; l++) acc[l] += v[j + l];
  double s = 0;
  for (int l = 0; l < 16; l++) s += acc[l];
  for (; j < n; j++) s += v[j];
  return s;
}
#endif
