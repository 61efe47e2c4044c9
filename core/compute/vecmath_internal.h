/* The vector math behind nnlab_vec_* (plugin.h): one table of array
 * functions per instruction set, the same algorithm in each.
 *
 * The shared method (docs/vecmath.md has the error analysis):
 *   exp, expm1  x = n ln2 + r with n = x / ln2 rounded to nearest (exp) or
 *               toward zero (expm1: r has the sign of x, so 2^n em and
 *               2^n - 1 never cancel); e^r - 1 = em = r + r^2 P(r); exp
 *               scales 1 + em by 2^n in two exact steps so that denormal
 *               results round once.
 *   log, log1p  x = 2^e m with m in [sqrt(1/2), sqrt(2)); log(m) = f - f^2/2
 *               + f^3 Q(f) with f = m - 1; e ln2 is added in two parts.
 *               log1p adds the rounding error of 1 + x back as c / (1 + x).
 *   tanh        x + x^3 T(x^2) for |x| < 1, else 1 - 2 / (expm1(2|x|) + 2)
 *               with the sign of x.
 *   sigmoid     1 / (1 + e) or e / (1 + e) with e = e^-|x|, corrected for
 *               the roundings of e, 1 + e and the division.
 *   softplus    max(x, 0) + log1p(e^-|x|).
 *   erf, erfc   erf(x) = x + x E(x^2) for |x| < 0.875 (and erfc = 1 - that
 *               below 0.75); otherwise through erfc(a) = e^-a^2 H(q) /
 *               (1 + a / 2), q = (a - 2) / (a + 2), with a^2 split into two
 *               floats so e^-a^2 keeps its accuracy.
 */
#ifndef NNLAB_VECMATH_INTERNAL_H
#define NNLAB_VECMATH_INTERNAL_H

#include <stddef.h>

#include "compute/vecmath_coefficients.h"

/* NaN tests, Fast2Sum error terms and the rounding trick need IEEE
 * arithmetic as written, which -ffast-math does not promise. */
#if defined(__FAST_MATH__)
#error "nnlab's vector math must be built without -ffast-math"
#endif

/* log2(e); ln 2 as a 9-bit head (n * head is exact for |n| < 2^15) and the
 * rest. */
#define VM_LOG2E 1.44269504e+00f
#define VM_LN2_HI 6.93359375e-01f
#define VM_LN2_LO -2.12194440e-04f

/* exp's argument is clamped to this range: beyond it the result is 0 or
 * inf whatever the polynomial says (e^-104 < 2^-150 rounds to 0, e^89 >
 * FLT_MAX), and 2^n stays representable in two factors. */
#define VM_EXP_MIN -104.0f
#define VM_EXP_MAX 89.0f
/* expm1 is -1 in float below -17.4; clamping at -88 keeps 2^n normal. */
#define VM_EXPM1_MIN -88.0f
/* tanh(x) rounds to +-1 beyond 9.02. */
#define VM_TANH_CLAMP 9.5f
/* Below this |x| tanh uses its polynomial. */
#define VM_TANH_POLY_MAX 1.0f
/* Below this |x| erf uses its polynomial, above it 1 - erfc. */
#define VM_ERF_POLY_MAX 0.875f
/* Below this |x| erfc is 1 - erf(x) by erf's polynomial. */
#define VM_ERFC_POLY_MAX 0.75f
/* erfc(10.1) < 2^-150 rounds to 0. */
#define VM_ERFC_CLAMP 10.1f

/* Bit patterns: sqrt(1/2), the lower end of log's mantissa range, and the
 * exponent field. */
#define VM_SQRT_HALF_BITS 0x3f3504f3u
#define VM_EXPONENT_SHIFT 23

typedef void (*vm_array_fn)(const float *x, float *y, size_t n);

/* Each function maps x[0..n) to y[0..n); y may be x. */
typedef struct vm_kernels {
  vm_array_fn exp, expm1, log, log1p, tanh, sigmoid, softplus, erf, erfc;
} vm_kernels;

/* Portable C, no FMA. */
extern const vm_kernels vm_scalar;
#if defined(__x86_64__)
/* AVX2 + FMA, 8 floats at a time; only to be called when the CPU has both
 * (simd.c checks). */
extern const vm_kernels vm_avx2;
#endif

/* The table nnlab_vec_* use now: simd_active()'s choice. */
const vm_kernels *vm_active(void);

#endif
