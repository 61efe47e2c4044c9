/* Passes over the flat parameter and gradient buffers every step
 * (flat_vector.h): sum of squares and the finiteness check, AVX2 or
 * scalar as simd.c chose. Both paths must give the same bits, so the sum
 * is accumulated in one fixed order; nothing here allocates. */
#include "compute/flat_vector.h"

#include <math.h>

#include "compute/simd.h"

#define LANES 16

/* The lanes added pairwise, in a fixed tree: lane l + 8 into lane l, then
 * l + 4 into l, and so on. */
static inline double add_lanes(double lane[LANES]) {
  for (size_t width = LANES / 2; width > 0; width /= 2)
    for (size_t l = 0; l < width; l++) lane[l] += lane[l + width];
  return lane[0];
}

/* Products of two floats are exact in double, so only the sums round, in
 * the same order on both paths. */
static double sum_of_squares_scalar(const float *v, size_t n) {
  double lane[LANES] = {0};
  size_t i = 0;
  for (; i + LANES <= n; i += LANES)
    for (size_t l = 0; l < LANES; l++) lane[l] += (double)v[i + l] * v[i + l];
  for (size_t l = 0; i < n; i++, l++) lane[l] += (double)v[i] * v[i];
  return add_lanes(lane);
}

static bool all_finite_scalar(const float *v, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (!isfinite(v[i])) return false;
  return true;
}

#if defined(__x86_64__)
#include <immintrin.h>

#define AVX2_FN __attribute__((target("avx2,fma")))

AVX2_FN static double sum_of_squares_avx2(const float *v, size_t n) {
  /* acc[q] holds lanes 4q to 4q + 3 of the scalar version. */
  __m256d acc[4] = {_mm256_setzero_pd(), _mm256_setzero_pd(),
                    _mm256_setzero_pd(), _mm256_setzero_pd()};
  size_t i = 0;
  for (; i + LANES <= n; i += LANES) {
    for (size_t q = 0; q < 4; q++) {
      __m256d x = _mm256_cvtps_pd(_mm_loadu_ps(v + i + 4 * q));
      acc[q] = _mm256_add_pd(acc[q], _mm256_mul_pd(x, x));
    }
  }
  /* The tail into the first lanes; the others add 0, which is exact. */
  const __m128i lane = _mm_setr_epi32(0, 1, 2, 3);
  for (size_t q = 0; q < 4 && i + 4 * q < n; q++) {
    __m128i mask = _mm_cmplt_epi32(lane, _mm_set1_epi32((int)(n - i - 4 * q)));
    __m256d x = _mm256_cvtps_pd(_mm_maskload_ps(v + i + 4 * q, mask));
    acc[q] = _mm256_add_pd(acc[q], _mm256_mul_pd(x, x));
  }
  /* add_lanes' tree: 8 apart, 4 apart, 2 apart, 1 apart. */
  __m256d sum = _mm256_add_pd(_mm256_add_pd(acc[0], acc[2]),
                              _mm256_add_pd(acc[1], acc[3]));
  __m128d half =
      _mm_add_pd(_mm256_castpd256_pd128(sum), _mm256_extractf128_pd(sum, 1));
  return _mm_cvtsd_f64(_mm_add_sd(half, _mm_unpackhi_pd(half, half)));
}

AVX2_FN static bool all_finite_avx2(const float *v, size_t n) {
  /* x - x is 0 for finite x and NaN otherwise; NaN survives the sums. */
  __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    __m256 x0 = _mm256_loadu_ps(v + i), x1 = _mm256_loadu_ps(v + i + 8);
    acc0 = _mm256_add_ps(acc0, _mm256_sub_ps(x0, x0));
    acc1 = _mm256_add_ps(acc1, _mm256_sub_ps(x1, x1));
  }
  __m256 acc = _mm256_add_ps(acc0, acc1);
  __m256 nan = _mm256_cmp_ps(acc, acc, _CMP_UNORD_Q);
  return _mm256_movemask_ps(nan) == 0 && all_finite_scalar(v + i, n - i);
}
#endif

double vector_sum_of_squares(const float *v, size_t n) {
#if defined(__x86_64__)
  if (simd_active() == SIMD_AVX2) return sum_of_squares_avx2(v, n);
#endif
  return sum_of_squares_scalar(v, n);
}

bool vector_all_finite(const float *v, size_t n) {
#if defined(__x86_64__)
  if (simd_active() == SIMD_AVX2) return all_finite_avx2(v, n);
#endif
  return all_finite_scalar(v, n);
}
