/* Packing of operands into the panels the tile kernels read, in plain C.
 * Included by each kernel file, which calls these with its own constant
 * tile sizes so that the copies are specialised for them. */
#ifndef NNLAB_GEMM_PACK_H
#define NNLAB_GEMM_PACK_H

#include <string.h>

#include "compute/gemm_kernels.h"

#define GEMM_PACK_INLINE __attribute__((always_inline)) static inline

/* op(A)[0, rows) x [0, depth) into panels of mr rows: panel q holds, for
 * each p, the mr values A(q * mr + i, p); rows past the end are zero. */
GEMM_PACK_INLINE void gemm_pack_a_generic(gemm_operand a, size_t rows,
                                          size_t depth, size_t mr, float *out) {
  for (size_t i0 = 0; i0 < rows; i0 += mr, out += mr * depth) {
    size_t height = rows - i0 < mr ? rows - i0 : mr;
    if (a.rs == 1) { /* A^T in memory: each column of A is contiguous */
      for (size_t p = 0; p < depth; p++) {
        const float *src = a.data + i0 + p * a.cs;
        for (size_t i = 0; i < mr; i++)
          out[p * mr + i] = i < height ? src[i] : 0.0f;
      }
    } else {
      for (size_t i = 0; i < mr; i++) {
        if (i < height) {
          const float *src = a.data + (i0 + i) * a.rs;
          for (size_t p = 0; p < depth; p++) out[p * mr + i] = src[p * a.cs];
        } else {
          for (size_t p = 0; p < depth; p++) out[p * mr + i] = 0.0f;
        }
      }
    }
  }
}

/* op(B)[0, depth) x [0, cols) into panels of nr columns: panel q holds, for
 * each p, the nr values B(p, q * nr + j); columns past the end are zero. */
GEMM_PACK_INLINE void gemm_pack_b_generic(gemm_operand b, size_t depth,
                                          size_t cols, size_t nr, float *out) {
  for (size_t j0 = 0; j0 < cols; j0 += nr, out += nr * depth) {
    size_t width = cols - j0 < nr ? cols - j0 : nr;
    if (b.cs == 1) { /* rows of B are contiguous */
      for (size_t p = 0; p < depth; p++) {
        const float *src = b.data + p * b.rs + j0;
        if (width == nr) {
          for (size_t j = 0; j < nr; j++) out[p * nr + j] = src[j];
        } else {
          for (size_t j = 0; j < nr; j++)
            out[p * nr + j] = j < width ? src[j] : 0.0f;
        }
      }
    } else { /* B^T in memory: each column of B is contiguous */
      for (size_t j = 0; j < nr; j++) {
        if (j < width) {
          const float *src = b.data + (j0 + j) * b.cs;
          for (size_t p = 0; p < depth; p++) out[p * nr + j] = src[p * b.rs];
        } else {
          for (size_t p = 0; p < depth; p++) out[p * nr + j] = 0.0f;
        }
      }
    }
  }
}

#endif
