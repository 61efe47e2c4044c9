/* The portable kernels: plain C whose fixed-size inner loops a compiler
 * may vectorize without changing the order of operations. */
#include "compute/gemm_kernels.h"
#include "compute/gemm_pack.h"

#define MR 4
#define NR 8

static void tile_scalar(size_t k, const float *a, size_t a_rs, size_t a_cs,
                        const float *b, size_t b_rs, float *c, size_t ldc,
                        size_t rows, size_t cols, int accumulate) {
  float acc[MR][NR] = {{0}};
  const float *a_row[MR];
  for (size_t i = 0; i < MR; i++)
    a_row[i] = a + (i < rows ? i : rows - 1) * a_rs;
  if (accumulate)
    for (size_t i = 0; i < rows; i++)
      for (size_t j = 0; j < cols; j++) acc[i][j] = c[i * ldc + j];
  for (size_t p = 0; p < k; p++) {
    const float *b_p = b + p * b_rs;
    for (size_t i = 0; i < MR; i++) {
      const float a_ip = a_row[i][p * a_cs];
      for (size_t j = 0; j < NR; j++) acc[i][j] += a_ip * b_p[j];
    }
  }
  for (size_t i = 0; i < rows; i++)
    for (size_t j = 0; j < cols; j++) c[i * ldc + j] = acc[i][j];
}

static void tile_scalar_packed(size_t k, const float *a, size_t a_rs,
                               size_t a_cs, const float *b, size_t b_rs,
                               float *c, size_t ldc, size_t rows, size_t cols,
                               int accumulate) {
  (void)a_rs, (void)a_cs, (void)b_rs;
  tile_scalar(k, a, 1, MR, b, NR, c, ldc, rows, cols, accumulate);
}

static void pack_a_scalar(gemm_operand a, size_t rows, size_t depth,
                          float *out) {
  gemm_pack_a_generic(a, rows, depth, MR, out);
}

static void pack_b_scalar(gemm_operand b, size_t depth, size_t cols,
                          float *out) {
  gemm_pack_b_generic(b, depth, cols, NR, out);
}

static void tiny_scalar(size_t m, size_t n, size_t k, const gemm_operand *a,
                        const gemm_operand *b, float *c, size_t ldc,
                        int accumulate) {
  for (size_t i = 0; i < m; i++) {
    float *c_row = c + i * ldc;
    if (!accumulate)
      for (size_t j = 0; j < n; j++) c_row[j] = 0.0f;
    for (size_t p = 0; p < k; p++) {
      const float a_ip = a->data[i * a->rs + p * a->cs];
      const float *b_p = b->data + p * b->rs;
      for (size_t j = 0; j < n; j++) c_row[j] += a_ip * b_p[j * b->cs];
    }
  }
}

const gemm_kernel gemm_scalar_kernel = {
    .mr = MR,
    .nr = NR,
    .mc = 128,
    .kc = 256,
    .nc = 2048,
    .tile = tile_scalar,
    .tile_packed = tile_scalar_packed,
    .pack_a = pack_a_scalar,
    .pack_b = pack_b_scalar,
    .tiny = tiny_scalar,
};
