/* Passes over the flat parameter and gradient buffers that the trainer
 * makes every step, vectorized on the path simd.c chose. Both paths give
 * the same results. */
#ifndef NNLAB_FLAT_VECTOR_H
#define NNLAB_FLAT_VECTOR_H

#include <stdbool.h>
#include <stddef.h>

/* The sum of v[i]^2 in double precision, accumulated in 16 lanes (element
 * i into lane i % 16, the lanes then added pairwise in a fixed tree): one
 * order, so the same bits on every path and for any thread count. */
double nnlab_sum_of_squares(const float *v, size_t n);

/* Whether no element is NaN or infinite. */
bool nnlab_all_finite(const float *v, size_t n);

#endif
