#include "flat_vector.h"

#include <math.h>

#include "simd.h"

#define LANES 16

/* Products of two floats are exact in double, so only the sums round, in
 * the same order on both paths. */
static double sum_of_squares_scalar(const float *v, size_t n) {
  double lane[LANES] = {0};
  size_t i = 0;
  for (; i + LANES <= n; i += LANES)
    for (size_t l = 0; l < LANES; l++) lane[l] += (double)v[i + l] * v[i + l];
  for (size_t l = 0; i < n; i++, l++) lane[l] += (double)v[i] * v[i];
  double sum = 0;
  for (size_t l = 0; l < LANES; l++) sum += lane[l];
  return sum;
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
  /* Lanes 0-3, 4-7, 8-11, 12-15 of the scalar version. */
  __m256d acc[4] = {_mm256_setzero_pd(), _mm256_setzero_pd(),
                    _mm256_setzero_pd(), _mm256_setzero_pd()};
  size_t i = 0;
  for (; i + LANES <= n; i += LANES) {
    for (size_t q = 0; q < 4; q++) {
      __m256d x = _mm256_cvtps_pd(_mm_loadu_ps(v + i + 4 * q));
      acc[q] = _mm256_add_pd(acc[q], _mm256_mul_pd(x, x));
    }
  }
  double lane[LANES];
  for (size_t q = 0; q < 4; q++) _mm256_storeu_pd(lane + 4 * q, acc[q]);
  for (size_t l = 0; i < n; i++, l++) lane[l] += (double)v[i] * v[i];
  double sum = 0;
  for (size_t l = 0; l < LANES; l++) sum += lane[l];
  return sum;
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

double nnlab_sum_of_squares(const float *v, size_t n) {
#if defined(__x86_64__)
  if (nnlab_simd_active() == NNLAB_SIMD_AVX2) return sum_of_squares_avx2(v, n);
#endif
  return sum_of_squares_scalar(v, n);
}

bool nnlab_all_finite(const float *v, size_t n) {
#if defined(__x86_64__)
  if (nnlab_simd_active() == NNLAB_SIMD_AVX2) return all_finite_avx2(v, n);
#endif
  return all_finite_scalar(v, n);
}
