/* Matrix products on register-tile kernels (gemm_kernels.h), the way BLIS
 * and GotoBLAS arrange them. This file picks the path, blocks the operands
 * and splits the work between threads; the tiles and the packing are the
 * kernels' own (gemm_scalar.c, gemm_avx2.c), and no result may depend on
 * the thread count. */

/* The paths:
 *
 *   tiny products   one loop nest, no setup (the XOR network's 4 x 4 x 2);
 *   small products  tiles read A and B in place; B is copied into a padded
 *                   panel only where it is transposed or ragged;
 *   large products  blocks of kc x nc of B and mc x kc of A are packed into
 *                   contiguous, aligned panels that stay in L3 and L2 while
 *                   the tiles sweep them.
 *
 * Large products are split between threads by output columns or rows;
 * every output element is computed by one thread as one chain over k in
 * the same order, so results are the same bits for any thread count. */
#include "compute/gemm.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "compute/gemm_kernels.h"
#include "compute/simd.h"
#include "compute/thread_pool.h"

/* m * n * k at or below which the loop nest is used. */
#define TINY_PRODUCT 512
/* Products of at most this depth with A at most this many floats run on
 * unpacked operands: A stays in L2 while every row tile reuses a column
 * strip of B from L1 or L2. Larger ones are packed. */
#define SMALL_MAX_K 2048
#define SMALL_MAX_A_FLOATS (64 * 1024)
/* m * n * k from which a product is split between threads (about 50
 * microseconds of one core's work). */
#define PARALLEL_PRODUCT ((size_t)1 << 21)

typedef struct gemm_problem {
  const gemm_kernel *kernel;
  size_t m, n, k;
  gemm_operand a, b; /* op(A): m x k, op(B): k x n */
  float *c;
  size_t ldc;
  int accumulate;
  /* For threads: split_rows ? row : column ranges of unit outputs. */
  gboolean split_rows;
  size_t unit, units, n_tasks;
} gemm_problem;

/* ---- Per-thread packing buffers ------------------------------------------
 * Grown to the largest product seen and then reused, so a training step
 * allocates nothing after the first. Freed when the thread exits. They are
 * an optimization, not a resource a caller can be told is missing: when
 * one cannot be had, the product runs as the loop nest, with the same
 * bits. */

typedef struct pack_buffer {
  float *data;
  size_t capacity; /* floats */
} pack_buffer;

static void pack_buffer_free(gpointer data) {
  pack_buffer *buffer = data;
  free(buffer->data);
  g_free(buffer);
}

static GPrivate thread_buffer = G_PRIVATE_INIT(pack_buffer_free);

/* A 64-byte aligned scratch area of floats for this thread, or NULL. */
static float *scratch(size_t floats) {
  pack_buffer *buffer = g_private_get(&thread_buffer);
  if (!buffer) {
    buffer = g_try_new0(pack_buffer, 1);
    if (!buffer) return NULL;
    g_private_set(&thread_buffer, buffer);
  }
  if (buffer->capacity < floats) {
    free(buffer->data);
    void *memory = NULL;
    gboolean ok = floats <= SIZE_MAX / sizeof(float) &&
                  posix_memalign(&memory, 64, floats * sizeof(float)) == 0;
    buffer->data = ok ? memory : NULL;
    buffer->capacity = ok ? floats : 0;
  }
  return buffer->data;
}

static inline const float *element(gemm_operand x, size_t row, size_t col) {
  return x.data + row * x.rs + col * x.cs;
}

static inline gemm_operand offset(gemm_operand x, size_t row, size_t col) {
  return (gemm_operand){element(x, row, col), x.rs, x.cs};
}

/* ---- Drivers over an output range [i0, i1) x [j0, j1) -------------------- */

/* Tiles read A in place and B in place where it has contiguous, full rows;
 * other column strips are packed first. FALSE if no buffer was available. */
static gboolean run_unpacked(const gemm_problem *g, size_t i0, size_t i1,
                             size_t j0, size_t j1) {
  const gemm_kernel *kernel = g->kernel;
  size_t mr = kernel->mr, nr = kernel->nr;
  float *strip = NULL;
  for (size_t j = j0; j < j1; j += nr) {
    size_t cols = MIN(nr, j1 - j);
    const float *b = element(g->b, 0, j);
    size_t b_rs = g->b.rs;
    if (g->b.cs != 1 || cols < nr) {
      if (!strip && !(strip = scratch(g->k * nr + GEMM_PACK_SLACK)))
        return FALSE;
      kernel->pack_b(offset(g->b, 0, j), g->k, cols, strip);
      b = strip;
      b_rs = nr;
    }
    for (size_t i = i0; i < i1; i += mr)
      kernel->tile(g->k, element(g->a, i, 0), g->a.rs, g->a.cs, b, b_rs,
                   g->c + i * g->ldc + j, g->ldc, MIN(mr, i1 - i), cols,
                   g->accumulate);
  }
  return TRUE;
}

static gboolean run_packed(const gemm_problem *g, size_t i0, size_t i1,
                           size_t j0, size_t j1) {
  const gemm_kernel *kernel = g->kernel;
  size_t mr = kernel->mr, nr = kernel->nr;
  size_t kc_max = MIN(kernel->kc, g->k);
  size_t mc_max = MIN(kernel->mc, i1 - i0);
  size_t nc_max = MIN(kernel->nc, j1 - j0);
  /* Rounded up to whole panels; both parts stay 64-byte aligned. */
  size_t a_floats = (mc_max + mr - 1) / mr * mr * kc_max;
  size_t b_floats = (nc_max + nr - 1) / nr * nr * kc_max;
  a_floats = (a_floats + GEMM_PACK_SLACK + 15) / 16 * 16;
  float *a_packed = scratch(a_floats + b_floats + GEMM_PACK_SLACK);
  if (!a_packed) return FALSE;
  float *b_packed = a_packed + a_floats;
  /* Equal depth blocks: 784 = 3 x 262 rather than 256 + 256 + 256 + 16. */
  size_t k_blocks = (g->k + kernel->kc - 1) / kernel->kc;
  size_t kc_even = (g->k + k_blocks - 1) / k_blocks;
  for (size_t jc = j0; jc < j1; jc += kernel->nc) {
    size_t nc = MIN(kernel->nc, j1 - jc);
    for (size_t pc = 0; pc < g->k; pc += kc_even) {
      size_t kc = MIN(kc_even, g->k - pc);
      int accumulate = g->accumulate || pc > 0;
      kernel->pack_b(offset(g->b, pc, jc), kc, nc, b_packed);
      for (size_t ic = i0; ic < i1; ic += kernel->mc) {
        size_t mc = MIN(kernel->mc, i1 - ic);
        kernel->pack_a(offset(g->a, ic, pc), mc, kc, a_packed);
        for (size_t jr = 0; jr < nc; jr += nr) {
          for (size_t ir = 0; ir < mc; ir += mr) {
            float *c = g->c + (ic + ir) * g->ldc + jc + jr;
            size_t rows = MIN(mr, mc - ir), cols = MIN(nr, nc - jr);
            /* The tile starts from C, so fetch the next tile's rows while
             * this one computes. */
            if (accumulate && ir + mr < mc)
              for (size_t i = 0; i < MIN(mr, mc - ir - mr); i++) {
                __builtin_prefetch(c + (mr + i) * g->ldc);
                __builtin_prefetch(c + (mr + i) * g->ldc + cols - 1);
              }
            kernel->tile_packed(kc, a_packed + ir * kc, 1, mr,
                                b_packed + jr * kc, nr, c, g->ldc, rows, cols,
                                accumulate);
          }
        }
      }
    }
  }
  return TRUE;
}

static void run_range(const gemm_problem *g, size_t i0, size_t i1, size_t j0,
                      size_t j1) {
  gboolean unpacked = g->k <= SMALL_MAX_K && g->m * g->k <= SMALL_MAX_A_FLOATS;
  if (unpacked ? run_unpacked(g, i0, i1, j0, j1)
               : run_packed(g, i0, i1, j0, j1))
    return;
  /* No memory for a workspace: the loop nest needs none and gives the
   * same bits. */
  gemm_operand a = offset(g->a, i0, 0), b = offset(g->b, 0, j0);
  g->kernel->tiny(i1 - i0, j1 - j0, g->k, &a, &b, g->c + i0 * g->ldc + j0,
                  g->ldc, g->accumulate);
}

static void run_task(void *context, size_t task) {
  const gemm_problem *g = context;
  size_t first = task * g->units / g->n_tasks * g->unit;
  size_t last = (task + 1) * g->units / g->n_tasks * g->unit;
  if (g->split_rows)
    run_range(g, first, MIN(last, g->m), 0, g->n);
  else
    run_range(g, 0, g->m, first, MIN(last, g->n));
}

static const gemm_kernel *active_kernel(void) {
#if defined(__x86_64__)
  if (simd_active() == SIMD_AVX2) return &gemm_avx2_kernel;
#endif
  return &gemm_scalar_kernel;
}

/* Products past the tiny size: tiled, maybe packed, maybe threaded. Kept
 * out of line so that tiny products do not pay for its stack frame. */
#define NOINLINE __attribute__((noinline))
static NOINLINE void gemm_tiled(const gemm_kernel *kernel, size_t m, size_t n,
                                size_t k, const gemm_operand *a,
                                const gemm_operand *b, float beta, float *c,
                                size_t work) {
  gemm_problem g = {
      .kernel = kernel,
      .m = m,
      .n = n,
      .k = k,
      .a = *a,
      .b = *b,
      .c = c,
      .ldc = n,
      .accumulate = beta != 0.0f,
  };
  size_t threads = pool_threads();
  if (threads > 1 && work >= PARALLEL_PRODUCT) {
    /* Split the longer side, so each thread repacks the smaller operand. */
    g.split_rows = m > n;
    g.unit = g.split_rows ? kernel->mr : kernel->nr;
    g.units = ((g.split_rows ? m : n) + g.unit - 1) / g.unit;
    g.n_tasks = MIN(threads, g.units);
    if (g.n_tasks > 1) {
      pool_parallel_for(g.n_tasks, run_task, &g);
      return;
    }
  }
  run_range(&g, 0, m, 0, n);
}

static inline void gemm(size_t m, size_t n, size_t k, const gemm_operand *a,
                        const gemm_operand *b, float beta, float *c) {
  const gemm_kernel *kernel = active_kernel();
  size_t work = 0; /* m * n * k, saturated */
  if (!g_size_checked_mul(&work, m, n) || !g_size_checked_mul(&work, work, k))
    work = SIZE_MAX;
  if (work <= TINY_PRODUCT) /* also k == 0: C = beta C */
    kernel->tiny(m, n, k, a, b, c, n, beta != 0.0f);
  else
    gemm_tiled(kernel, m, n, k, a, b, beta, c, work);
}

void gemm_nn(size_t m, size_t n, size_t k, const float *a, const float *b,
             float beta, float *c) {
  const gemm_operand a_op = {a, k, 1}, b_op = {b, n, 1};
  gemm(m, n, k, &a_op, &b_op, beta, c);
}

void gemm_tn(size_t m, size_t n, size_t k, const float *a, const float *b,
             float beta, float *c) {
  const gemm_operand a_op = {a, 1, m}, b_op = {b, n, 1};
  gemm(m, n, k, &a_op, &b_op, beta, c);
}

void gemm_nt(size_t m, size_t n, size_t k, const float *a, const float *b,
             float beta, float *c) {
  const gemm_operand a_op = {a, k, 1}, b_op = {b, 1, k};
  gemm(m, n, k, &a_op, &b_op, beta, c);
}
