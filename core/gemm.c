#include "gemm.h"

#include <string.h>

/* Portable loops ordered so the innermost runs along contiguous rows, which
 * the compiler vectorizes. Accumulation order is fixed, so results are the
 * same on every run. */

static void scale_output(size_t m, size_t n, float beta, float *c) {
  if (beta == 0.0f) memset(c, 0, m * n * sizeof *c);
}

void nnlab_gemm_nn(size_t m, size_t n, size_t k, const float *a, const float *b,
                   float beta, float *c) {
  scale_output(m, n, beta, c);
  for (size_t i = 0; i < m; i++) {
    float *c_row = c + i * n;
    for (size_t p = 0; p < k; p++) {
      float a_ip = a[i * k + p];
      const float *b_row = b + p * n;
      for (size_t j = 0; j < n; j++) c_row[j] += a_ip * b_row[j];
    }
  }
}

void nnlab_gemm_tn(size_t m, size_t n, size_t k, const float *a, const float *b,
                   float beta, float *c) {
  scale_output(m, n, beta, c);
  for (size_t p = 0; p < k; p++) {
    const float *a_row = a + p * m;
    const float *b_row = b + p * n;
    for (size_t i = 0; i < m; i++) {
      float a_pi = a_row[i];
      float *c_row = c + i * n;
      for (size_t j = 0; j < n; j++) c_row[j] += a_pi * b_row[j];
    }
  }
}

void nnlab_gemm_nt(size_t m, size_t n, size_t k, const float *a, const float *b,
                   float beta, float *c) {
  for (size_t i = 0; i < m; i++) {
    const float *a_row = a + i * k;
    for (size_t j = 0; j < n; j++) {
      const float *b_row = b + j * k;
      float sum = 0.0f;
      for (size_t p = 0; p < k; p++) sum += a_row[p] * b_row[p];
      c[i * n + j] = beta == 0.0f ? sum : c[i * n + j] + sum;
    }
  }
}
