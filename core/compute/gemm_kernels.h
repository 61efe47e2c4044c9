/* The register-tile kernels behind gemm.c, one set per instruction set.
 *
 * Every kernel computes each output element as one chain over p in
 * increasing order, starting from 0 (beta 0) or from C (beta 1):
 *   scalar: c = c + a(i,p) * b(p,j)   (a rounded product, then a sum)
 *   avx2:   c = fma(a(i,p), b(p,j), c)
 * so a path gives the same bits however the product is blocked, packed or
 * split between threads. */
#ifndef NNLAB_GEMM_KERNELS_H
#define NNLAB_GEMM_KERNELS_H

#include <stddef.h>

/* A matrix read in place: element (row, col) is at data[row * rs + col * cs].
 */
typedef struct gemm_operand {
  const float *data;
  size_t rs, cs;
} gemm_operand;

/* One tile of rows <= mr and cols <= nr outputs over k products:
 *   C(i, j) (+)= sum_p A(i, p) * B(p, j)
 * with A(i, p) = a[i * a_rs + p * a_cs] and B(p, j) = b[p * b_rs + j]. The
 * kernel reads nr values of every B row and mr rows of A (rows past `rows`
 * are clamped to the last one), so B must be padded to nr columns. C has
 * row stride ldc; only rows x cols of it are read and written. */
typedef void (*gemm_tile_fn)(size_t k, const float *a, size_t a_rs, size_t a_cs,
                             const float *b, size_t b_rs, float *c, size_t ldc,
                             size_t rows, size_t cols, int accumulate);

/* A whole tiny product with no tiling (any size works, but slowly):
 * C (m x n, row stride ldc). k may be 0. */
typedef void (*gemm_tiny_fn)(size_t m, size_t n, size_t k,
                             const gemm_operand *a, const gemm_operand *b,
                             float *c, size_t ldc, int accumulate);

/* Packing: op(A) rows x depth into panels of mr rows (p-major inside a
 * panel, rows past the end zero), and op(B) depth x cols into panels of nr
 * columns. Either may write up to GEMM_PACK_SLACK floats past its panels. */
#define GEMM_PACK_SLACK 16
typedef void (*gemm_pack_a_fn)(gemm_operand a, size_t rows, size_t depth,
                               float *out);
typedef void (*gemm_pack_b_fn)(gemm_operand b, size_t depth, size_t cols,
                               float *out);

typedef struct gemm_kernel {
  size_t mr, nr;     /* register tile */
  size_t mc, kc, nc; /* cache blocks of the packed product */
  gemm_tile_fn tile;
  /* The same with A packed in panels (a_rs 1, a_cs mr) and B packed in
   * panels (b_rs nr). */
  gemm_tile_fn tile_packed;
  gemm_pack_a_fn pack_a;
  gemm_pack_b_fn pack_b;
  gemm_tiny_fn tiny;
} gemm_kernel;

extern const gemm_kernel gemm_scalar_kernel;
#if defined(__x86_64__)
extern const gemm_kernel gemm_avx2_kernel;
#endif

#endif
