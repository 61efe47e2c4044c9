/* The portable vector math: one float at a time in plain C (no FMA), the
 * algorithm of vecmath_internal.h. */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "compute/vecmath_internal.h"

static float from_bits(uint32_t bits) {
  float f;
  memcpy(&f, &bits, sizeof f);
  return f;
}

static uint32_t to_bits(float f) {
  uint32_t bits;
  memcpy(&bits, &f, sizeof bits);
  return bits;
}

static float clamp(float x, float lo, float hi) {
  return x < lo ? lo : x > hi ? hi : x;
}

static float horner(float x, const float *c, int degree) {
  float p = c[0];
#pragma GCC unroll 16
  for (int i = 1; i <= degree; i++) p = p * x + c[i];
  return p;
}

/* 2^k for k in [-126, 127]. */
static float pow2(int k) {
  return from_bits((uint32_t)(k + 127) << VM_EXPONENT_SHIFT);
}

/* p * 2^n for n in [-150, 128], in two exact steps so a denormal result
 * rounds once. */
static float scale(float p, int n) {
  int half = n / 2;
  return p * pow2(half) * pow2(n - half);
}

/* e^x = 2^n (1 + em): sets *n and returns em = e^r - 1, r = x - n ln2,
 * for x in [VM_EXP_MIN, VM_EXP_MAX]. fn is x / ln2 rounded to
 * an integer: to nearest for exp (|r| <= ln2 / 2, so 1 + em rounds
 * least), toward zero for expm1 (r has the sign of x, so 2^n em and
 * 2^n - 1 never cancel). */
static float expm1_reduced(float x, float fn, int *n) {
  *n = (int)fn;
  float r_hi = x - fn * VM_LN2_HI; /* exact */
  float r_lo = -fn * VM_LN2_LO;
  float r = r_hi + r_lo;
  float p = horner(r, vm_exp, VM_EXP_DEGREE);
  return r_hi + (r_lo + r * r * p);
}

/* x rounded to the nearest integer, for |x| < 2^22. */
static float round_nearest(float x) {
  float shifted = x + 0x1.8p23f;
  return shifted - 0x1.8p23f;
}

static float exp_f(float x) {
  if (isnan(x)) return x;
  x = clamp(x, VM_EXP_MIN, VM_EXP_MAX);
  int n;
  float em = expm1_reduced(x, round_nearest(x * VM_LOG2E), &n);
  return scale(1.0f + em, n);
}

/* e^x = hi + *lo for x <= 0 (not NaN): exp without the rounding of 1 + em,
 * for sigmoid and softplus. */
static float exp_split(float x, float *lo) {
  x = clamp(x, VM_EXP_MIN, VM_EXP_MAX);
  int n;
  float em = expm1_reduced(x, round_nearest(x * VM_LOG2E), &n);
  float p = 1.0f + em;
  *lo = scale(em - (p - 1.0f), n); /* exact: Fast2Sum, |em| < 1 */
  return scale(p, n);
}

static float expm1_f(float x) {
  if (isnan(x) || x == 0.0f) return x;
  x = clamp(x, VM_EXPM1_MIN, VM_EXP_MAX);
  int n;
  float em = expm1_reduced(x, (float)(int)(x * VM_LOG2E), &n);
  /* 2^n em + (2^n - 1) with both terms exact, for n <= 64; beyond, the
   * -1 is far below half an ulp and 2^(n - 64) scales exactly. */
  int n_low = n < 64 ? n : 64;
  float t = pow2(n_low);
  return (t * em + (t - 1.0f)) * pow2(n - n_low);
}

/* log(2^e (1 + f)) for f in [sqrt(1/2) - 1, sqrt(2) - 1), plus a small
 * correction c. */
static float log_reduced(int e, float f, float c) {
  float fe = (float)e;
  float f2 = f * f;
  float q = horner(f, vm_log, VM_LOG_DEGREE);
  float lo = fe * VM_LN2_LO + (f * f2 * q - 0.5f * f2);
  /* hi + f with its rounding error (Fast2Sum: |hi| >= |f| unless hi = 0). */
  float hi = fe * VM_LN2_HI;
  float sum = hi + f;
  float err = f - (sum - hi);
  return sum + (lo + (err + c));
}

/* Splits a positive normal x into 2^e m, m in [sqrt(1/2), sqrt(2)). */
static float split(float x, int *e) {
  uint32_t bits = to_bits(x);
  uint32_t offset = bits - VM_SQRT_HALF_BITS;
  /* floor((bits - offset) / 2^23) without shifting a negative number */
  *e = (int)((offset + (128u << VM_EXPONENT_SHIFT)) >> VM_EXPONENT_SHIFT) - 128;
  return from_bits(bits - ((uint32_t)*e << VM_EXPONENT_SHIFT));
}

static float log_f(float x) {
  if (isnan(x) || x == INFINITY) return x;
  if (x == 0.0f) return -INFINITY;
  if (x < 0.0f) return NAN;
  int e_denormal = 0;
  if (x < 0x1p-126f) {
    x *= 0x1p23f;
    e_denormal = -23;
  }
  int e;
  float m = split(x, &e);
  return log_reduced(e + e_denormal, m - 1.0f, 0.0f);
}

/* log(1 + x + x_lo) for finite x > -1, x != -0, and |x_lo| below half an
 * ulp of x. */
static float log1p_finite(float x, float x_lo) {
  float u = 1.0f + x;
  /* (1 + x) - u exactly (Sterbenz on each difference). */
  float c = (x < 1.0f ? x - (u - 1.0f) : 1.0f - (u - x)) + x_lo;
  int e;
  float m = split(u, &e);
  return log_reduced(e, m - 1.0f, c / u);
}

static float log1p_f(float x) {
  if (isnan(x) || x == INFINITY || x == 0.0f) return x;
  if (x == -1.0f) return -INFINITY;
  if (x < -1.0f) return NAN;
  return log1p_finite(x, 0.0f);
}

static float tanh_f(float x) {
  if (isnan(x) || x == 0.0f) return x;
  float a = fabsf(x);
  if (a < VM_TANH_POLY_MAX) {
    float z = x * x;
    return x + x * z * horner(z, vm_tanh, VM_TANH_DEGREE);
  }
  float em = expm1_f(2.0f * (a < VM_TANH_CLAMP ? a : VM_TANH_CLAMP));
  return copysignf(1.0f - 2.0f / (em + 2.0f), x);
}

static float sigmoid_f(float x) {
  if (isnan(x)) return x;
  /* e^-|x| = e + e_lo; 1 + e = d + d_lo; the quotient (1 or e) / d and
   * its remainder r (exact in double), corrected for the low parts:
   * y = q + (r + num_lo - q d_lo) / d, with 1 / d = q or 1 - q. */
  float e_lo, e = exp_split(-fabsf(x), &e_lo);
  float d = 1.0f + e;
  float d_lo = (e - (d - 1.0f)) + e_lo;
  bool positive = x >= 0.0f;
  float num = positive ? 1.0f : e, num_lo = positive ? 0.0f : e_lo;
  float q = num / d;
  float r = (float)(num - (double)q * d);
  return q + (r + (num_lo - q * d_lo)) * (positive ? q : 1.0f - q);
}

static float softplus_f(float x) {
  if (isnan(x)) return x;
  float e_lo, e = exp_split(-fabsf(x), &e_lo);
  return (x > 0.0f ? x : 0.0f) + log1p_finite(e, e_lo);
}

/* erfc(a) for a >= 0. Without FMA, the exact products and the final
 * assembly are done in double. */
static float erfc_positive(float a) {
  if (a > VM_ERFC_CLAMP) a = VM_ERFC_CLAMP;
  double t = 2.0 / (2.0 + a);
  float t_hi = (float)t, t_lo = (float)(t - t_hi);
  float q = (1.0f - 2.0f * t_hi) - 2.0f * t_lo; /* (a - 2) / (a + 2) */
  float h = horner(q, vm_erfc, VM_ERFC_DEGREE);
  /* a^2 = hi + lo exactly (a product of two floats fits a double). */
  double square = (double)a * a;
  float hi = (float)square, lo = (float)(square - hi);
  int n;
  float em = expm1_reduced(-hi, round_nearest(-hi * VM_LOG2E), &n);
  /* h t e^-lo (1 + em) 2^n, e^-lo = 1 - lo to float precision */
  return (float)ldexp(h * t * (1.0 - lo) * (1.0 + em), n);
}

/* 1 - erf(x) for |x| < VM_ERFC_POLY_MAX, as (1 - k) - ((x - k) +
 * x E(x^2)) with k = 1/2 above 1/4, where x - 1/2 is exact and the
 * subtraction cancels less. */
static float erfc_small(float x) {
  float k = x >= 0.25f ? 0.5f : 0.0f;
  float e = horner(x * x, vm_erf, VM_ERF_DEGREE);
  return (1.0f - k) - ((x - k) + x * e);
}

static float erf_f(float x) {
  if (isnan(x)) return x;
  float a = fabsf(x);
  if (a < VM_ERF_POLY_MAX) {
    return x + x * horner(x * x, vm_erf, VM_ERF_DEGREE);
  }
  return copysignf(1.0f - erfc_positive(a), x);
}

static float erfc_f(float x) {
  if (isnan(x)) return x;
  if (fabsf(x) < VM_ERFC_POLY_MAX) return erfc_small(x);
  float y = erfc_positive(fabsf(x));
  return x < 0.0f ? 2.0f - y : y;
}

#define ARRAY_FUNCTION(name, one)                        \
  static void name(const float *x, float *y, size_t n) { \
    for (size_t i = 0; i < n; i++) y[i] = one(x[i]);     \
  }

ARRAY_FUNCTION(scalar_exp, exp_f)
ARRAY_FUNCTION(scalar_expm1, expm1_f)
ARRAY_FUNCTION(scalar_log, log_f)
ARRAY_FUNCTION(scalar_log1p, log1p_f)
ARRAY_FUNCTION(scalar_tanh, tanh_f)
ARRAY_FUNCTION(scalar_sigmoid, sigmoid_f)
ARRAY_FUNCTION(scalar_softplus, softplus_f)
ARRAY_FUNCTION(scalar_erf, erf_f)
ARRAY_FUNCTION(scalar_erfc, erfc_f)

const vm_kernels vm_scalar = {
    .exp = scalar_exp,
    .expm1 = scalar_expm1,
    .log = scalar_log,
    .log1p = scalar_log1p,
    .tanh = scalar_tanh,
    .sigmoid = scalar_sigmoid,
    .softplus = scalar_softplus,
    .erf = scalar_erf,
    .erfc = scalar_erfc,
};
