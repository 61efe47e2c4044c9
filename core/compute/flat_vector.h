/* Passes over the flat parameter and gradient buffers that the trainer
 * makes every step, vectorized on the path simd.c chose. Both paths give
 * the same results. */
#ifndef NNLAB_FLAT_VECTOR_H
#define NNLAB_FLAT_VECTOR_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

/* The sum of v[i]^2 in double precision, accumulated in 16 lanes (element
 * i into lane i % 16, the lanes then added pairwise in a fixed tree): one
 * order, so the same bits on every path and for any thread count. */
double vector_sum_of_squares(const float *v, size_t n);

/* Whether no element is NaN or infinite. */
bool vector_all_finite(const float *v, size_t n);

/* Copies n floats. For the short rows of small networks (a few floats,
 * many times a step) fixed-size moves beat a call to memcpy. */
static inline void vector_copy_floats(float *dst, const float *src, size_t n) {
  size_t i = 0;
  for (; i + 8 <= n; i += 8) memcpy(dst + i, src + i, 8 * sizeof(float));
  if (i + 4 <= n) {
    memcpy(dst + i, src + i, 4 * sizeof(float));
    i += 4;
  }
  for (; i < n; i++) dst[i] = src[i];
}

#endif
