/* The AVX2 + FMA vector math: 8 floats at a time, the algorithm of
 * vecmath_internal.h with fused multiply-adds. Special inputs (NaN, zeros,
 * infinities, out-of-range arguments) are computed like any other lane and
 * their results replaced by a final blend. Compiled for AVX2 by function
 * attributes and called only when the CPU has it (simd.c). */
#if defined(__x86_64__)

#include <immintrin.h>
#include <math.h>

#include "compute/vecmath_internal.h"

#define AVX2_FN __attribute__((target("avx2,fma")))
#define AVX2_INLINE \
  __attribute__((target("avx2,fma"), always_inline)) static inline

#define CONST(v) _mm256_set1_ps(v)

AVX2_INLINE __m256 horner(__m256 x, const float *c, int degree) {
  __m256 p = CONST(c[0]);
#pragma GCC unroll 16
  for (int i = 1; i <= degree; i++) p = _mm256_fmadd_ps(p, x, CONST(c[i]));
  return p;
}

AVX2_INLINE __m256 blend(__m256 mask, __m256 if_true, __m256 if_false) {
  return _mm256_blendv_ps(if_false, if_true, mask);
}

AVX2_INLINE __m256 is_nan(__m256 x) {
  return _mm256_cmp_ps(x, x, _CMP_UNORD_Q);
}

AVX2_INLINE __m256 abs_ps(__m256 x) {
  return _mm256_andnot_ps(CONST(-0.0f), x);
}

/* x with the sign of s. */
AVX2_INLINE __m256 with_sign(__m256 x, __m256 s) {
  return _mm256_or_ps(abs_ps(x), _mm256_and_ps(s, CONST(-0.0f)));
}

/* 2^k for k in [-126, 127]. */
AVX2_INLINE __m256 pow2(__m256i k) {
  return _mm256_castsi256_ps(_mm256_slli_epi32(
      _mm256_add_epi32(k, _mm256_set1_epi32(127)), VM_EXPONENT_SHIFT));
}

/* p * 2^n for n in [-150, 128]. One multiply when every 2^n is a normal
 * float, else two steps whose first is exact; either way the product is
 * rounded once, so both give the same bits. */
AVX2_INLINE __m256 scale(__m256 p, __m256i n) {
  __m256i outside =
      _mm256_or_si256(_mm256_cmpgt_epi32(_mm256_set1_epi32(-126), n),
                      _mm256_cmpgt_epi32(n, _mm256_set1_epi32(127)));
  if (_mm256_testz_si256(outside, outside)) return _mm256_mul_ps(p, pow2(n));
  __m256i half = _mm256_srai_epi32(n, 1);
  return _mm256_mul_ps(_mm256_mul_ps(p, pow2(half)),
                       pow2(_mm256_sub_epi32(n, half)));
}

/* em = e^r - 1 with x = n ln2 + r, for x in [VM_EXP_MIN,
 * VM_EXP_MAX] and fn = n, x / ln2 rounded to an integer (to nearest
 * for exp, toward zero for expm1). */
AVX2_INLINE __m256 expm1_reduced(__m256 x, __m256 fn, __m256i *n) {
  *n = _mm256_cvtps_epi32(fn);
  __m256 r_hi = _mm256_fnmadd_ps(fn, CONST(VM_LN2_HI), x);
  __m256 r_lo = _mm256_mul_ps(fn, CONST(-VM_LN2_LO));
  __m256 r = _mm256_add_ps(r_hi, r_lo);
  __m256 p = horner(r, vm_exp, VM_EXP_DEGREE);
  return _mm256_add_ps(r_hi, _mm256_fmadd_ps(_mm256_mul_ps(r, r), p, r_lo));
}

/* x / ln2 rounded to an integer, to nearest or toward zero (a macro: the
 * rounding mode must be a constant). */
#define OVER_LN2(x, rounding)                          \
  _mm256_round_ps(_mm256_mul_ps((x), CONST(VM_LOG2E)), \
                  (rounding) | _MM_FROUND_NO_EXC)

AVX2_INLINE __m256 clamp(__m256 x, float lo, float hi) {
  return _mm256_min_ps(_mm256_max_ps(x, CONST(lo)), CONST(hi));
}

/* e^x, except that NaN gives a number. */
AVX2_INLINE __m256 exp_core(__m256 x) {
  x = clamp(x, VM_EXP_MIN, VM_EXP_MAX);
  __m256i n;
  __m256 em = expm1_reduced(x, OVER_LN2(x, _MM_FROUND_TO_NEAREST_INT), &n);
  return scale(_mm256_add_ps(CONST(1.0f), em), n);
}

/* e^x = hi + *lo for x <= 0 (NaN gives a number): exp without the rounding
 * of 1 + em, for sigmoid and softplus. */
AVX2_INLINE __m256 exp_split(__m256 x, __m256 *lo) {
  x = clamp(x, VM_EXP_MIN, VM_EXP_MAX);
  __m256i n;
  __m256 em = expm1_reduced(x, OVER_LN2(x, _MM_FROUND_TO_NEAREST_INT), &n);
  __m256 p = _mm256_add_ps(CONST(1.0f), em);
  /* exact: Fast2Sum, |em| < 1 */
  *lo = scale(_mm256_sub_ps(em, _mm256_sub_ps(p, CONST(1.0f))), n);
  return scale(p, n);
}

AVX2_INLINE __m256 exp8(__m256 x) {
  return blend(is_nan(x), x, exp_core(x));
}

/* e^x - 1, except at NaN and -0. */
AVX2_INLINE __m256 expm1_core(__m256 x) {
  x = clamp(x, VM_EXPM1_MIN, VM_EXP_MAX);
  __m256i n;
  __m256 em = expm1_reduced(x, OVER_LN2(x, _MM_FROUND_TO_ZERO), &n);
  __m256i n_low = _mm256_min_epi32(n, _mm256_set1_epi32(64));
  __m256 t = pow2(n_low);
  __m256 y = _mm256_fmadd_ps(t, em, _mm256_sub_ps(t, CONST(1.0f)));
  return _mm256_mul_ps(y, pow2(_mm256_sub_epi32(n, n_low)));
}

AVX2_INLINE __m256 expm1_8(__m256 x) {
  __m256 keep =
      _mm256_or_ps(is_nan(x), _mm256_cmp_ps(x, CONST(0.0f), _CMP_EQ_OQ));
  return blend(keep, x, expm1_core(x));
}

/* log(2^e (1 + f)) + c, f in [sqrt(1/2) - 1, sqrt(2) - 1). */
AVX2_INLINE __m256 log_reduced(__m256i e, __m256 f, __m256 c) {
  __m256 fe = _mm256_cvtepi32_ps(e);
  __m256 f2 = _mm256_mul_ps(f, f);
  __m256 q = horner(f, vm_log, VM_LOG_DEGREE);
  __m256 lo = _mm256_fmadd_ps(
      fe, CONST(VM_LN2_LO),
      _mm256_fmsub_ps(_mm256_mul_ps(f, f2), q, _mm256_mul_ps(CONST(0.5f), f2)));
  __m256 hi = _mm256_mul_ps(fe, CONST(VM_LN2_HI));
  __m256 sum = _mm256_add_ps(hi, f);
  __m256 err = _mm256_sub_ps(f, _mm256_sub_ps(sum, hi));
  return _mm256_add_ps(sum, _mm256_add_ps(lo, _mm256_add_ps(err, c)));
}

/* x = 2^e m with m in [sqrt(1/2), sqrt(2)), for positive normal x;
 * returns m - 1. */
AVX2_INLINE __m256 split(__m256 x, __m256i *e) {
  __m256i bits = _mm256_castps_si256(x);
  *e = _mm256_srai_epi32(
      _mm256_sub_epi32(bits, _mm256_set1_epi32((int)VM_SQRT_HALF_BITS)),
      VM_EXPONENT_SHIFT);
  __m256i m = _mm256_sub_epi32(bits, _mm256_slli_epi32(*e, VM_EXPONENT_SHIFT));
  return _mm256_sub_ps(_mm256_castsi256_ps(m), CONST(1.0f));
}

AVX2_INLINE __m256 log8(__m256 x) {
  __m256 denormal = _mm256_cmp_ps(x, CONST(0x1p-126f), _CMP_LT_OQ);
  __m256i e;
  __m256 f = split(blend(denormal, _mm256_mul_ps(x, CONST(0x1p23f)), x), &e);
  e = _mm256_add_epi32(e, _mm256_and_si256(_mm256_castps_si256(denormal),
                                           _mm256_set1_epi32(-23)));
  __m256 y = log_reduced(e, f, CONST(0.0f));
  __m256 keep =
      _mm256_or_ps(is_nan(x), _mm256_cmp_ps(x, CONST(INFINITY), _CMP_EQ_OQ));
  y = blend(_mm256_cmp_ps(x, CONST(0.0f), _CMP_LT_OQ), CONST(NAN), y);
  y = blend(_mm256_cmp_ps(x, CONST(0.0f), _CMP_EQ_OQ), CONST(-INFINITY), y);
  return blend(keep, x, y);
}

/* log(1 + x + x_lo) for finite x > -1 and |x_lo| below half an ulp of x. */
AVX2_INLINE __m256 log1p_core(__m256 x, __m256 x_lo) {
  __m256 one = CONST(1.0f);
  __m256 u = _mm256_add_ps(one, x);
  __m256 c = blend(_mm256_cmp_ps(x, one, _CMP_LT_OQ),
                   _mm256_sub_ps(x, _mm256_sub_ps(u, one)),
                   _mm256_sub_ps(one, _mm256_sub_ps(u, x)));
  __m256i e;
  __m256 f = split(u, &e);
  return log_reduced(e, f, _mm256_div_ps(_mm256_add_ps(c, x_lo), u));
}

AVX2_INLINE __m256 log1p8(__m256 x) {
  __m256 y = log1p_core(x, CONST(0.0f));
  __m256 keep = _mm256_or_ps(
      _mm256_or_ps(is_nan(x), _mm256_cmp_ps(x, CONST(0.0f), _CMP_EQ_OQ)),
      _mm256_cmp_ps(x, CONST(INFINITY), _CMP_EQ_OQ));
  y = blend(_mm256_cmp_ps(x, CONST(-1.0f), _CMP_LT_OQ), CONST(NAN), y);
  y = blend(_mm256_cmp_ps(x, CONST(-1.0f), _CMP_EQ_OQ), CONST(-INFINITY), y);
  return blend(keep, x, y);
}

AVX2_INLINE __m256 tanh8(__m256 x) {
  __m256 a = abs_ps(x);
  __m256 z = _mm256_mul_ps(x, x);
  __m256 small = _mm256_fmadd_ps(_mm256_mul_ps(x, z),
                                 horner(z, vm_tanh, VM_TANH_DEGREE), x);
  __m256 em = expm1_core(
      _mm256_mul_ps(CONST(2.0f), _mm256_min_ps(a, CONST(VM_TANH_CLAMP))));
  __m256 large = with_sign(
      _mm256_sub_ps(CONST(1.0f),
                    _mm256_div_ps(CONST(2.0f), _mm256_add_ps(em, CONST(2.0f)))),
      x);
  __m256 y = blend(_mm256_cmp_ps(a, CONST(VM_TANH_POLY_MAX), _CMP_LT_OQ), small,
                   large);
  __m256 keep =
      _mm256_or_ps(is_nan(x), _mm256_cmp_ps(x, CONST(0.0f), _CMP_EQ_OQ));
  return blend(keep, x, y);
}

/* e^-|x| = e + e_lo; 1 + e = d + d_lo; the quotient q = (1 or e) / d and
 * its exact remainder r, corrected for the low parts:
 * y = q + (r + num_lo - q d_lo) / d, with 1 / d = q or 1 - q. */
AVX2_INLINE __m256 sigmoid8(__m256 x) {
  __m256 one = CONST(1.0f);
  __m256 e_lo;
  __m256 e = exp_split(_mm256_xor_ps(abs_ps(x), CONST(-0.0f)), &e_lo);
  __m256 positive = _mm256_cmp_ps(x, CONST(0.0f), _CMP_GE_OQ);
  __m256 d = _mm256_add_ps(one, e);
  __m256 d_lo = _mm256_add_ps(_mm256_sub_ps(e, _mm256_sub_ps(d, one)), e_lo);
  __m256 num = blend(positive, one, e);
  __m256 num_lo = _mm256_andnot_ps(positive, e_lo);
  __m256 q = _mm256_div_ps(num, d);
  __m256 r = _mm256_fnmadd_ps(q, d, num);
  __m256 low = _mm256_add_ps(r, _mm256_fnmadd_ps(q, d_lo, num_lo));
  __m256 inverse_d = blend(positive, q, _mm256_sub_ps(one, q));
  __m256 y = _mm256_fmadd_ps(low, inverse_d, q);
  return blend(is_nan(x), x, y);
}

AVX2_INLINE __m256 softplus8(__m256 x) {
  __m256 e_lo;
  __m256 e = exp_split(_mm256_xor_ps(abs_ps(x), CONST(-0.0f)), &e_lo);
  __m256 y = _mm256_add_ps(_mm256_max_ps(x, CONST(0.0f)), log1p_core(e, e_lo));
  return blend(is_nan(x), x, y);
}

/* The lower (half 0) or upper (half 1) four floats of x as doubles. */
#define TO_DOUBLE(x, half) _mm256_cvtps_pd(_mm256_extractf128_ps((x), (half)))

/* h t (1 - lo) (1 + em) 2^n in double for four lanes, rounded once to
 * float (denormal results included). */
AVX2_INLINE __m128 erfc_assemble(__m256d h, __m256d t, __m256d lo, __m256d em,
                                 __m128i n) {
  __m256d one = _mm256_set1_pd(1.0);
  __m256d pow2_n = _mm256_castsi256_pd(_mm256_slli_epi64(
      _mm256_add_epi64(_mm256_cvtepi32_epi64(n), _mm256_set1_epi64x(1023)),
      52));
  __m256d y = _mm256_mul_pd(_mm256_mul_pd(h, t), _mm256_sub_pd(one, lo));
  y = _mm256_mul_pd(_mm256_mul_pd(y, _mm256_add_pd(one, em)), pow2_n);
  return _mm256_cvtpd_ps(y);
}

/* erfc(a) for a >= 0 (a NaN gives a number). t = 2 / (2 + a) and the
 * final product are computed in double, as in the portable path. */
AVX2_INLINE __m256 erfc_positive(__m256 a) {
  a = _mm256_min_ps(a, CONST(VM_ERFC_CLAMP));
  __m256d two = _mm256_set1_pd(2.0);
  __m256d t0 = _mm256_div_pd(two, _mm256_add_pd(two, TO_DOUBLE(a, 0)));
  __m256d t1 = _mm256_div_pd(two, _mm256_add_pd(two, TO_DOUBLE(a, 1)));
  __m256 t_hi = _mm256_set_m128(_mm256_cvtpd_ps(t1), _mm256_cvtpd_ps(t0));
  __m256 t_lo =
      _mm256_set_m128(_mm256_cvtpd_ps(_mm256_sub_pd(t1, TO_DOUBLE(t_hi, 1))),
                      _mm256_cvtpd_ps(_mm256_sub_pd(t0, TO_DOUBLE(t_hi, 0))));
  __m256 q = _mm256_fnmadd_ps(CONST(2.0f), t_lo,
                              _mm256_fnmadd_ps(CONST(2.0f), t_hi, CONST(1.0f)));
  __m256 h = horner(q, vm_erfc, VM_ERFC_DEGREE);
  __m256 hi = _mm256_mul_ps(a, a);
  __m256 lo = _mm256_fmsub_ps(a, a, hi); /* a^2 = hi + lo exactly */
  __m256 minus_hi = _mm256_xor_ps(hi, CONST(-0.0f));
  __m256i n;
  __m256 em = expm1_reduced(minus_hi,
                            OVER_LN2(minus_hi, _MM_FROUND_TO_NEAREST_INT), &n);
  return _mm256_set_m128(
      erfc_assemble(TO_DOUBLE(h, 1), t1, TO_DOUBLE(lo, 1), TO_DOUBLE(em, 1),
                    _mm256_extracti128_si256(n, 1)),
      erfc_assemble(TO_DOUBLE(h, 0), t0, TO_DOUBLE(lo, 0), TO_DOUBLE(em, 0),
                    _mm256_castsi256_si128(n)));
}

AVX2_INLINE __m256 erf8(__m256 x) {
  __m256 a = abs_ps(x);
  __m256 small =
      _mm256_fmadd_ps(x, horner(_mm256_mul_ps(x, x), vm_erf, VM_ERF_DEGREE), x);
  __m256 large = with_sign(_mm256_sub_ps(CONST(1.0f), erfc_positive(a)), x);
  __m256 y =
      blend(_mm256_cmp_ps(a, CONST(VM_ERF_POLY_MAX), _CMP_LT_OQ), small, large);
  return blend(is_nan(x), x, y);
}

/* 1 - erf(x) for |x| < VM_ERFC_POLY_MAX (see vecmath_scalar.c). */
AVX2_INLINE __m256 erfc_small(__m256 x) {
  __m256 k =
      _mm256_and_ps(_mm256_cmp_ps(x, CONST(0.25f), _CMP_GE_OQ), CONST(0.5f));
  __m256 e = horner(_mm256_mul_ps(x, x), vm_erf, VM_ERF_DEGREE);
  return _mm256_sub_ps(_mm256_sub_ps(CONST(1.0f), k),
                       _mm256_fmadd_ps(x, e, _mm256_sub_ps(x, k)));
}

AVX2_INLINE __m256 erfc8(__m256 x) {
  __m256 y = erfc_positive(abs_ps(x));
  y = blend(_mm256_cmp_ps(x, CONST(0.0f), _CMP_LT_OQ),
            _mm256_sub_ps(CONST(2.0f), y), y);
  y = blend(_mm256_cmp_ps(abs_ps(x), CONST(VM_ERFC_POLY_MAX), _CMP_LT_OQ),
            erfc_small(x), y);
  return blend(is_nan(x), x, y);
}

/* All ones in the first lanes (0 < lanes < 8). */
AVX2_INLINE __m256i lane_mask(size_t lanes) {
  return _mm256_cmpgt_epi32(_mm256_set1_epi32((int)lanes),
                            _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

/* Whole vectors, then the last n % 8 by a masked load, which reads zeros
 * past the end and touches no memory there, and a masked store. Each vector
 * is loaded before it is stored, so y may be x. */
#define ARRAY_FUNCTION(name, kernel)                                \
  AVX2_FN static void name(const float *x, float *y, size_t n) {    \
    size_t i = 0;                                                   \
    for (; i + 8 <= n; i += 8)                                      \
      _mm256_storeu_ps(y + i, kernel(_mm256_loadu_ps(x + i)));      \
    if (i < n) {                                                    \
      const __m256i mask = lane_mask(n - i);                        \
      _mm256_maskstore_ps(y + i, mask,                              \
                          kernel(_mm256_maskload_ps(x + i, mask))); \
    }                                                               \
  }

ARRAY_FUNCTION(avx2_exp, exp8)
ARRAY_FUNCTION(avx2_expm1, expm1_8)
ARRAY_FUNCTION(avx2_log, log8)
ARRAY_FUNCTION(avx2_log1p, log1p8)
ARRAY_FUNCTION(avx2_tanh, tanh8)
ARRAY_FUNCTION(avx2_sigmoid, sigmoid8)
ARRAY_FUNCTION(avx2_softplus, softplus8)
ARRAY_FUNCTION(avx2_erf, erf8)
ARRAY_FUNCTION(avx2_erfc, erfc8)

const vm_kernels vm_avx2 = {
    .exp = avx2_exp,
    .expm1 = avx2_expm1,
    .log = avx2_log,
    .log1p = avx2_log1p,
    .tanh = avx2_tanh,
    .sigmoid = avx2_sigmoid,
    .softplus = avx2_softplus,
    .erf = avx2_erf,
    .erfc = avx2_erfc,
};

#endif
