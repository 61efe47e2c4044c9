/* GFLOP/s of nnlab's matrix products against OpenBLAS's cblas_sgemm, on
 * the same row-major operands, interleaved, median of the repetitions.
 * It measures speed only: it does not check that the products agree
 * (tests/test_gemm.c does). */

/*   gemm_bench [--reps R] [--seconds S] OP:M:N:K:THREADS ...
 *
 * OP is nn (C = A B), tn (C = A^T B) or nt (C = A B^T). One JSON line per
 * product: {"op", "m", "n", "k", "threads", "simd", "nnlab_gflops",
 * "openblas_gflops"} (null without OpenBLAS). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifdef HAVE_OPENBLAS
#include <cblas.h>
#endif

#include <glib.h>

#include "base/alloc.h"
#include "compute/gemm.h"
#include "compute/simd.h"
#include "compute/thread_pool.h"

typedef void (*gemm_fn)(size_t, size_t, size_t, const float *, const float *,
                        float, float *);

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static int compare_doubles(const void *x, const void *y) {
  double a = *(const double *)x, b = *(const double *)y;
  return (a > b) - (a < b);
}

static double median(double *values, int n) {
  qsort(values, (size_t)n, sizeof *values, compare_doubles);
  return n % 2 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
}

#ifdef HAVE_OPENBLAS
static void openblas_product(int op, size_t m, size_t n, size_t k,
                             const float *a, const float *b, float *c) {
  int im = (int)m, in = (int)n, ik = (int)k;
  if (op == 0)
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, im, in, ik, 1.0f, a,
                ik, b, in, 0.0f, c, in);
  else if (op == 1)
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, im, in, ik, 1.0f, a,
                im, b, in, 0.0f, c, in);
  else
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, im, in, ik, 1.0f, a,
                ik, b, ik, 0.0f, c, in);
}
#endif

/* OpenBLAS's GFLOP/s over CALLS products, or NaN in a build without it.
 * OpenBLAS's idle threads keep spinning for about 2^28 cycles after a call
 * (its THREAD_TIMEOUT) and would take the CPUs from nnlab's, so with several
 * threads this waits until they sleep. nnlab's spin for at most 0.2 ms. */
static double openblas_gflops(int op, size_t m, size_t n, size_t k,
                              const float *a, const float *b, float *c,
                              int calls, size_t threads) {
#ifdef HAVE_OPENBLAS
  double t = now();
  for (int j = 0; j < calls; j++) openblas_product(op, m, n, k, a, b, c);
  t = now() - t;
  if (threads > 1) g_usleep(150000);
  return 2.0 * (double)m * (double)n * (double)k * calls / t / 1e9;
#else
  (void)op, (void)m, (void)n, (void)k, (void)a, (void)b, (void)c;
  (void)calls, (void)threads;
  return NAN;
#endif
}

int main(int argc, char **argv) {
  int reps = 7;
  double seconds = 0.05; /* per timed sample */
  static const char *const op_names[] = {"nn", "tn", "nt"};
  static const gemm_fn ops[] = {gemm_nn, gemm_tn, gemm_nt};
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--reps") == 0 && i + 1 < argc) {
      reps = atoi(argv[++i]);
      continue;
    }
    if (strcmp(argv[i], "--seconds") == 0 && i + 1 < argc) {
      seconds = atof(argv[++i]);
      continue;
    }
    char op_name[3] = {0};
    size_t m = 0, n = 0, k = 0, threads = 1;
    if (sscanf(argv[i], "%2[a-z]:%zu:%zu:%zu:%zu", op_name, &m, &n, &k,
               &threads) != 5 ||
        !m || !n || !k || !threads) {
      fprintf(stderr, "gemm_bench: bad product '%s' (OP:M:N:K:THREADS)\n",
              argv[i]);
      return 2;
    }
    int op = 0;
    while (op < 3 && strcmp(op_names[op], op_name) != 0) op++;
    if (op == 3 || reps < 1 || reps > 99) {
      fprintf(stderr, "gemm_bench: bad op '%s' or --reps\n", op_name);
      return 2;
    }
    float *a = alloc_floats(m * k, "A", NULL);
    float *b = alloc_floats(k * n, "B", NULL);
    float *c = alloc_floats(m * n, "C", NULL);
    if (!a || !b || !c) return 1;
    for (size_t j = 0; j < m * k; j++) a[j] = (float)(j % 17) * 0.01f - 0.08f;
    for (size_t j = 0; j < k * n; j++) b[j] = (float)(j % 13) * 0.01f - 0.06f;
    pool_set_threads(threads);
#ifdef HAVE_OPENBLAS
    openblas_set_num_threads((int)threads);
#endif
    double flops = 2.0 * (double)m * (double)n * (double)k;
    /* Calls per timed sample, from a first estimate. */
    double t = now();
    ops[op](m, n, k, a, b, 0.0f, c);
    t = now() - t;
    int calls = (int)(seconds / (t > 1e-7 ? t : 1e-7)) + 1;
    /* Each repetition times a block of calls of each library in turn. */
    double ours[99], theirs[99];
    for (int r = 0; r < reps; r++) {
      t = now();
      for (int j = 0; j < calls; j++) ops[op](m, n, k, a, b, 0.0f, c);
      ours[r] = flops * calls / (now() - t) / 1e9;
      theirs[r] = openblas_gflops(op, m, n, k, a, b, c, calls, threads);
    }
    double their_median = median(theirs, reps);
    printf(
        "{\"op\": \"%s\", \"m\": %zu, \"n\": %zu, \"k\": %zu, "
        "\"threads\": %zu, \"simd\": \"%s\", \"nnlab_gflops\": %.2f, ",
        op_name, m, n, k, threads, simd_name(simd_active()),
        median(ours, reps));
    if (isnan(their_median))
      printf("\"openblas_gflops\": null}\n");
    else
      printf("\"openblas_gflops\": %.2f}\n", their_median);
    fflush(stdout);
    alloc_free(a);
    alloc_free(b);
    alloc_free(c);
  }
  return 0;
}
