/* The AVX2 + FMA kernels: a 6 x 16 register tile (12 accumulators of 8
 * floats), the shape of BLIS's Haswell sgemm kernel. Compiled for AVX2 by
 * function attributes and called only when the CPU has it (simd.c). */
#if defined(__x86_64__)

#include <immintrin.h>

#include "compute/gemm_kernels.h"
#include "compute/gemm_pack.h"

#define AVX2_FN __attribute__((target("avx2,fma")))
#define AVX2_INLINE \
  __attribute__((target("avx2,fma"), always_inline)) static inline

#define MR 6
#define NR 16

/* All ones in the first lanes (0 <= lanes <= 8). */
AVX2_INLINE __m256i lane_mask(size_t lanes) {
  return _mm256_cmpgt_epi32(_mm256_set1_epi32((int)lanes),
                            _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

#define LOAD_ROW(r)                                         \
  do {                                                      \
    if (accumulate && (r) < rows) {                         \
      c##r##0 = _mm256_maskload_ps(c + (r)*ldc, mask0);     \
      c##r##1 = _mm256_maskload_ps(c + (r)*ldc + 8, mask1); \
    } else {                                                \
      c##r##0 = c##r##1 = _mm256_setzero_ps();              \
    }                                                       \
  } while (0)

#define STORE_ROW(r)                                          \
  do {                                                        \
    if ((r) < rows) {                                         \
      if (cols == NR) {                                       \
        _mm256_storeu_ps(c + (r)*ldc, c##r##0);               \
        _mm256_storeu_ps(c + (r)*ldc + 8, c##r##1);           \
      } else {                                                \
        _mm256_maskstore_ps(c + (r)*ldc, mask0, c##r##0);     \
        _mm256_maskstore_ps(c + (r)*ldc + 8, mask1, c##r##1); \
      }                                                       \
    }                                                         \
  } while (0)

#define FMA_ROW(r, a_value)                          \
  do {                                               \
    const __m256 a_r = _mm256_broadcast_ss(a_value); \
    c##r##0 = _mm256_fmadd_ps(a_r, b0, c##r##0);     \
    c##r##1 = _mm256_fmadd_ps(a_r, b1, c##r##1);     \
  } while (0)

/* packed is a constant in each caller, so the compiler emits two loops. */
AVX2_INLINE void tile_body(size_t k, const float *a, size_t a_rs, size_t a_cs,
                           const float *b, size_t b_rs, float *c, size_t ldc,
                           size_t rows, size_t cols, int accumulate,
                           int packed) {
  const __m256i mask0 = lane_mask(cols < 8 ? cols : 8);
  const __m256i mask1 = lane_mask(cols > 8 ? cols - 8 : 0);
  __m256 c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51;
  LOAD_ROW(0);
  LOAD_ROW(1);
  LOAD_ROW(2);
  LOAD_ROW(3);
  LOAD_ROW(4);
  LOAD_ROW(5);
  if (packed) {
    for (size_t p = 0; p < k; p++) {
      const __m256 b0 = _mm256_load_ps(b), b1 = _mm256_load_ps(b + 8);
      FMA_ROW(0, a + 0);
      FMA_ROW(1, a + 1);
      FMA_ROW(2, a + 2);
      FMA_ROW(3, a + 3);
      FMA_ROW(4, a + 4);
      FMA_ROW(5, a + 5);
      a += MR;
      b += NR;
    }
  } else {
    /* Rows past the tile read the last real row; their sums are dropped. */
    const float *a0 = a, *a1 = a + (rows > 1 ? 1 : 0) * a_rs;
    const float *a2 = a + (rows > 2 ? 2 : rows - 1) * a_rs;
    const float *a3 = a + (rows > 3 ? 3 : rows - 1) * a_rs;
    const float *a4 = a + (rows > 4 ? 4 : rows - 1) * a_rs;
    const float *a5 = a + (rows > 5 ? 5 : rows - 1) * a_rs;
    for (size_t p = 0, at = 0; p < k; p++, at += a_cs) {
      const __m256 b0 = _mm256_loadu_ps(b), b1 = _mm256_loadu_ps(b + 8);
      FMA_ROW(0, a0 + at);
      FMA_ROW(1, a1 + at);
      FMA_ROW(2, a2 + at);
      FMA_ROW(3, a3 + at);
      FMA_ROW(4, a4 + at);
      FMA_ROW(5, a5 + at);
      b += b_rs;
    }
  }
  STORE_ROW(0);
  STORE_ROW(1);
  STORE_ROW(2);
  STORE_ROW(3);
  STORE_ROW(4);
  STORE_ROW(5);
}

AVX2_FN static void tile_avx2(size_t k, const float *a, size_t a_rs,
                              size_t a_cs, const float *b, size_t b_rs,
                              float *c, size_t ldc, size_t rows, size_t cols,
                              int accumulate) {
  tile_body(k, a, a_rs, a_cs, b, b_rs, c, ldc, rows, cols, accumulate, 0);
}

AVX2_FN static void tile_avx2_packed(size_t k, const float *a, size_t a_rs,
                                     size_t a_cs, const float *b, size_t b_rs,
                                     float *c, size_t ldc, size_t rows,
                                     size_t cols, int accumulate) {
  tile_body(k, a, a_rs, a_cs, b, b_rs, c, ldc, rows, cols, accumulate, 1);
}

/* Rows r[0..7] of an 8 x 8 block become its columns. */
AVX2_INLINE void transpose8(__m256 r[8]) {
  __m256 t0 = _mm256_unpacklo_ps(r[0], r[1]),
         t1 = _mm256_unpackhi_ps(r[0], r[1]);
  __m256 t2 = _mm256_unpacklo_ps(r[2], r[3]),
         t3 = _mm256_unpackhi_ps(r[2], r[3]);
  __m256 t4 = _mm256_unpacklo_ps(r[4], r[5]),
         t5 = _mm256_unpackhi_ps(r[4], r[5]);
  __m256 t6 = _mm256_unpacklo_ps(r[6], r[7]),
         t7 = _mm256_unpackhi_ps(r[6], r[7]);
  __m256 s0 = _mm256_shuffle_ps(t0, t2, _MM_SHUFFLE(1, 0, 1, 0));
  __m256 s1 = _mm256_shuffle_ps(t0, t2, _MM_SHUFFLE(3, 2, 3, 2));
  __m256 s2 = _mm256_shuffle_ps(t1, t3, _MM_SHUFFLE(1, 0, 1, 0));
  __m256 s3 = _mm256_shuffle_ps(t1, t3, _MM_SHUFFLE(3, 2, 3, 2));
  __m256 s4 = _mm256_shuffle_ps(t4, t6, _MM_SHUFFLE(1, 0, 1, 0));
  __m256 s5 = _mm256_shuffle_ps(t4, t6, _MM_SHUFFLE(3, 2, 3, 2));
  __m256 s6 = _mm256_shuffle_ps(t5, t7, _MM_SHUFFLE(1, 0, 1, 0));
  __m256 s7 = _mm256_shuffle_ps(t5, t7, _MM_SHUFFLE(3, 2, 3, 2));
  r[0] = _mm256_permute2f128_ps(s0, s4, 0x20);
  r[1] = _mm256_permute2f128_ps(s1, s5, 0x20);
  r[2] = _mm256_permute2f128_ps(s2, s6, 0x20);
  r[3] = _mm256_permute2f128_ps(s3, s7, 0x20);
  r[4] = _mm256_permute2f128_ps(s0, s4, 0x31);
  r[5] = _mm256_permute2f128_ps(s1, s5, 0x31);
  r[6] = _mm256_permute2f128_ps(s2, s6, 0x31);
  r[7] = _mm256_permute2f128_ps(s3, s7, 0x31);
}

/* Full panels with contiguous rows (X of X * W) are transposed 8 values
 * at a time; each 8-wide store spills 2 floats into the next group, which
 * the next store (or the packer's slack) absorbs. */
AVX2_FN static void pack_a_avx2(gemm_operand a, size_t rows, size_t depth,
                                float *out) {
  for (size_t i0 = 0; i0 < rows; i0 += MR, out += MR * depth) {
    size_t height = rows - i0 < MR ? rows - i0 : MR;
    gemm_operand panel = {a.data + i0 * a.rs, a.rs, a.cs};
    size_t p = 0;
    if (height == MR && a.cs == 1) {
      for (; p + 8 <= depth; p += 8) {
        __m256 r[8];
        for (size_t i = 0; i < MR; i++)
          r[i] = _mm256_loadu_ps(panel.data + i * a.rs + p);
        r[6] = r[7] = _mm256_setzero_ps();
        transpose8(r);
        for (size_t q = 0; q < 8; q++)
          _mm256_storeu_ps(out + (p + q) * MR, r[q]);
      }
    } else if (height == MR && a.rs == 1 && rows - i0 >= 8) {
      for (; p < depth; p++)
        _mm256_storeu_ps(out + p * MR, _mm256_loadu_ps(panel.data + p * a.cs));
    }
    if (p < depth) {
      panel.data += p * a.cs;
      gemm_pack_a_generic(panel, height, depth - p, MR, out + p * MR);
    }
  }
}

/* Full panels: rows of B copied 16 at a time, or B^T transposed in 8 x 8
 * blocks. */
AVX2_FN static void pack_b_avx2(gemm_operand b, size_t depth, size_t cols,
                                float *out) {
  for (size_t j0 = 0; j0 < cols; j0 += NR, out += NR * depth) {
    size_t width = cols - j0 < NR ? cols - j0 : NR;
    gemm_operand panel = {b.data + j0 * b.cs, b.rs, b.cs};
    size_t p = 0;
    if (width == NR && b.cs == 1) {
      for (; p < depth; p++) {
        const float *src = panel.data + p * b.rs;
        _mm256_storeu_ps(out + p * NR, _mm256_loadu_ps(src));
        _mm256_storeu_ps(out + p * NR + 8, _mm256_loadu_ps(src + 8));
      }
    } else if (width == NR && b.rs == 1) {
      for (; p + 8 <= depth; p += 8) {
        for (size_t half = 0; half < 2; half++) {
          __m256 r[8];
          for (size_t j = 0; j < 8; j++)
            r[j] = _mm256_loadu_ps(panel.data + (half * 8 + j) * b.cs + p);
          transpose8(r);
          for (size_t q = 0; q < 8; q++)
            _mm256_storeu_ps(out + (p + q) * NR + half * 8, r[q]);
        }
      }
    }
    if (p < depth) {
      panel.data += p * b.rs;
      gemm_pack_b_generic(panel, depth - p, width, NR, out + p * NR);
    }
  }
}

AVX2_INLINE float fma_scalar(float x, float y, float z) {
  return _mm_cvtss_f32(
      _mm_fmadd_ss(_mm_set_ss(x), _mm_set_ss(y), _mm_set_ss(z)));
}

/* First lanes of v into dst (0 < lanes <= 4). */
AVX2_INLINE void store_lanes4(float *dst, __m128 v, size_t lanes) {
  if (lanes == 4) {
    _mm_storeu_ps(dst, v);
    return;
  }
  if (lanes & 2) {
    _mm_storel_pi((__m64 *)dst, v);
    v = _mm_movehl_ps(v, v);
    dst += 2;
  }
  if (lanes & 1) _mm_store_ss(dst, v);
}

/* One row of a tiny product, up to 4 columns: sum (+)= A(i, :) B. */
#define TINY_ROW4(LOAD_B)                                          \
  do {                                                             \
    size_t p = 0;                                                  \
    for (; p + 2 <= k; p += 2) {                                   \
      sum = _mm_fmadd_ps(_mm_broadcast_ss(a_row + p * a_cs),       \
                         LOAD_B(b_col + p * b_rs), sum);           \
      sum = _mm_fmadd_ps(_mm_broadcast_ss(a_row + (p + 1) * a_cs), \
                         LOAD_B(b_col + (p + 1) * b_rs), sum);     \
    }                                                              \
    if (p < k)                                                     \
      sum = _mm_fmadd_ps(_mm_broadcast_ss(a_row + p * a_cs),       \
                         LOAD_B(b_col + p * b_rs), sum);           \
  } while (0)
#define LOAD_FULL(address) _mm_loadu_ps(address)
#define LOAD_MASKED(address) _mm_maskload_ps(address, mask)

/* Tiny products (the XOR network's). With contiguous rows of B each row
 * of C is updated 8 or 4 columns at a time; a single column of C with
 * contiguous columns of A (A^T v) 8 or 4 rows at a time; otherwise each
 * element is one scalar chain. Either way each element is the same FMA
 * chain as in the tiles. The operands are copied into locals: C may alias
 * nothing, but the compiler cannot know it. */
AVX2_FN static void tiny_avx2(size_t m, size_t n, size_t k,
                              const gemm_operand *a_op,
                              const gemm_operand *b_op, float *c, size_t ldc,
                              int accumulate) {
  const float *a = a_op->data, *b = b_op->data;
  const size_t a_rs = a_op->rs, a_cs = a_op->cs;
  const size_t b_rs = b_op->rs, b_cs = b_op->cs;
  if (n == 1 && ldc == 1 && a_rs == 1) {
    size_t i = 0;
    for (; i + 8 <= m; i += 8) {
      __m256 sum = accumulate ? _mm256_loadu_ps(c + i) : _mm256_setzero_ps();
      for (size_t p = 0; p < k; p++)
        sum = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + p * a_cs),
                              _mm256_broadcast_ss(b + p * b_rs), sum);
      _mm256_storeu_ps(c + i, sum);
    }
    for (; i + 4 <= m; i += 4) {
      __m128 sum = accumulate ? _mm_loadu_ps(c + i) : _mm_setzero_ps();
      for (size_t p = 0; p < k; p++)
        sum = _mm_fmadd_ps(_mm_loadu_ps(a + i + p * a_cs),
                           _mm_broadcast_ss(b + p * b_rs), sum);
      _mm_storeu_ps(c + i, sum);
    }
    m -= i; /* the rows left take the scalar chains below */
    a += i;
    c += i;
  }
  if (b_cs != 1 || n == 1) {
    for (size_t i = 0; i < m; i++) {
      for (size_t j = 0; j < n; j++) {
        float sum = accumulate ? c[i * ldc + j] : 0.0f;
        for (size_t p = 0; p < k; p++)
          sum = fma_scalar(a[i * a_rs + p * a_cs], b[p * b_rs + j * b_cs], sum);
        c[i * ldc + j] = sum;
      }
    }
    return;
  }
  size_t j = 0;
  for (; j + 4 < n; j += 8) {
    const size_t width = n - j < 8 ? n - j : 8;
    const __m256i mask = lane_mask(width);
    for (size_t i = 0; i < m; i++) {
      float *c_row = c + i * ldc + j;
      __m256 sum =
          accumulate ? _mm256_maskload_ps(c_row, mask) : _mm256_setzero_ps();
      const float *a_row = a + i * a_rs, *b_col = b + j;
      for (size_t p = 0; p < k; p++)
        sum = _mm256_fmadd_ps(_mm256_broadcast_ss(a_row + p * a_cs),
                              _mm256_maskload_ps(b_col + p * b_rs, mask), sum);
      store_lanes4(c_row, _mm256_castps256_ps128(sum), 4);
      store_lanes4(c_row + 4, _mm256_extractf128_ps(sum, 1), width - 4);
    }
  }
  if (j >= n) return;
  /* At most 4 columns left. */
  const size_t width = n - j;
  const __m128i mask = _mm256_castsi256_si128(lane_mask(width));
  const float *b_col = b + j;
  for (size_t i = 0; i < m; i++) {
    float *c_row = c + i * ldc + j;
    const float *a_row = a + i * a_rs;
    if (width == 4) {
      __m128 sum = accumulate ? _mm_loadu_ps(c_row) : _mm_setzero_ps();
      TINY_ROW4(LOAD_FULL);
      _mm_storeu_ps(c_row, sum);
    } else {
      __m128 sum = accumulate ? _mm_maskload_ps(c_row, mask) : _mm_setzero_ps();
      TINY_ROW4(LOAD_MASKED);
      store_lanes4(c_row, sum, width);
    }
  }
}

const gemm_kernel gemm_avx2_kernel = {
    .mr = MR,
    .nr = NR,
    .mc = 144,
    .kc = 256,
    .nc = 4096,
    .tile = tile_avx2,
    .tile_packed = tile_avx2_packed,
    .pack_a = pack_a_avx2,
    .pack_b = pack_b_avx2,
    .tiny = tiny_avx2,
};

#endif
