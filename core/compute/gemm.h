/* Matrix products for dense layers. All matrices are row-major float32.
 * Each function computes C = op(A) * op(B) + beta * C with beta 0 or 1
 * (beta 0 overwrites C without reading it). */
#ifndef NNLAB_GEMM_H
#define NNLAB_GEMM_H

#include <stddef.h>

/* C (m x n) = A (m x k) * B (k x n): the forward product X * W. */
void gemm_nn(size_t m, size_t n, size_t k, const float *a, const float *b,
             float beta, float *c);
/* C (m x n) = A^T * B with A (k x m), B (k x n): the weight gradient
 * X^T * dY. */
void gemm_tn(size_t m, size_t n, size_t k, const float *a, const float *b,
             float beta, float *c);
/* C (m x n) = A * B^T with A (m x k), B (n x k): the input gradient
 * dY * W^T. */
void gemm_nt(size_t m, size_t n, size_t k, const float *a, const float *b,
             float beta, float *c);

#endif
