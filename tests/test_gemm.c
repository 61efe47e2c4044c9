/* Tests of the compute core: matrix products, the thread pool, the
 * flat-vector passes and whole training runs, for exact results and the
 * same bits on every path and thread count. No timings: speed is
 * bench/gemm_bench.c's. */

/* The matrix products on both paths against a double precision reference
 * and against the exact chain of operations each path promises, bitwise
 * independence of the thread count, the thread pool, the flat-vector
 * passes, and whole training runs (scalar against AVX2, one thread against
 * two, in child processes with NNLAB_SIMD and NNLAB_THREADS set), and the
 * divergence guard's restore of chunked updates. */
#include <float.h>
#include <inttypes.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <nnlab/nnlab.h>

#include "compute/flat_vector.h"
#include "compute/gemm.h"
#include "compute/simd.h"
#include "support/plugins.h"
#include "compute/thread_pool.h"

typedef enum product { NN, TN, NT } product;
static const char *const product_names[] = {"nn", "tn", "nt"};

typedef struct shape {
  size_t m, n, k;
} shape;

/* Edge cases of the tiles (6 x 16 and 4 x 8), the tiny loop nest, the
 * unpacked and packed drivers (several depth and row blocks), and the
 * training shapes of the benchmarks. */
static const shape shapes[] = {
    {1, 1, 1},     {4, 4, 2},      {4, 1, 4},      {1, 37, 5},   {37, 1, 5},
    {5, 7, 1},     {64, 64, 1},    {6, 16, 3},     {7, 17, 9},   {13, 64, 32},
    {32, 64, 13},  {33, 65, 64},   {1, 300, 70},   {300, 1, 70}, {97, 35, 300},
    {64, 40, 784}, {200, 20, 600}, {151, 40, 530},
};

/* Deterministic values in [-1, 1). */
static void fill(float *v, size_t n, uint64_t seed) {
  nnlab_rng rng;
  nnlab_rng_seed(&rng, seed);
  for (size_t i = 0; i < n; i++)
    v[i] = (float)(2.0 * nnlab_rng_uniform(&rng) - 1.0);
}

static float a_at(product op, const float *a, shape s, size_t i, size_t p) {
  return op == TN ? a[p * s.m + i] : a[i * s.k + p];
}

static float b_at(product op, const float *b, shape s, size_t p, size_t j) {
  return op == NT ? b[j * s.k + p] : b[p * s.n + j];
}

static void run(product op, shape s, const float *a, const float *b, float beta,
                float *c) {
  switch (op) {
    case NN:
      gemm_nn(s.m, s.n, s.k, a, b, beta, c);
      break;
    case TN:
      gemm_tn(s.m, s.n, s.k, a, b, beta, c);
      break;
    case NT:
      gemm_nt(s.m, s.n, s.k, a, b, beta, c);
      break;
  }
}

/* Operands and outputs of one product. */
typedef struct problem {
  product op;
  shape s;
  float beta;
  float *a, *b, *c0, *c;
} problem;

/* 64-byte aligned, as the engine's buffers are. */
static float *floats(size_t n) {
  void *memory = NULL;
  assert_int_equal(posix_memalign(&memory, 64, MAX(n, 1) * sizeof(float)), 0);
  return memory;
}

static problem problem_new(product op, shape s, float beta, uint64_t seed) {
  problem p = {op, s, beta, NULL, NULL, NULL, NULL};
  p.a = floats(s.m * s.k);
  p.b = floats(s.k * s.n);
  p.c0 = floats(s.m * s.n);
  p.c = floats(s.m * s.n);
  fill(p.a, s.m * s.k, seed);
  fill(p.b, s.k * s.n, seed + 1);
  fill(p.c0, s.m * s.n, seed + 2);
  return p;
}

static void problem_free(problem *p) {
  free(p->a);
  free(p->b);
  free(p->c0);
  free(p->c);
}

/* Computes into p->c; C starts as c0 (read only when beta is 1). NaNs in
 * C with beta 0 check that C is not read. */
static void problem_run(problem *p) {
  for (size_t i = 0; i < p->s.m * p->s.n; i++)
    p->c[i] = p->beta != 0.0f ? p->c0[i] : NAN;
  run(p->op, p->s, p->a, p->b, p->beta, p->c);
}

static const char *describe(const problem *p) {
  static char text[96];
  snprintf(text, sizeof text, "%s %zu x %zu x %zu beta %g, %s path",
           product_names[p->op], p->s.m, p->s.n, p->s.k, (double)p->beta,
           simd_name(simd_active()));
  return text;
}

/* The paths to test: the portable one, and AVX2 where the CPU has it. */
static size_t available_paths(simd_isa paths[2]) {
  size_t n = 0;
  paths[n++] = SIMD_SCALAR;
  if (simd_force(SIMD_AVX2) == SIMD_AVX2) paths[n++] = SIMD_AVX2;
  return n;
}

/* ---- Products against references ------------------------------------------
 */

static float fused(float x, float y, float z) {
  return fmaf(x, y, z);
}

static float unfused(float x, float y, float z) {
  float product = x * y;
  return z + product;
}

/* Two checks of every element on every path:
 * - it is within (k + 2) * 2^-23 * (sum_p |a b| + |beta c|) of the product
 *   computed in double precision (the bound on a float dot product of k
 *   terms, with a factor 2 to spare);
 * - it is, bit for bit, the chain over k in order each path promises,
 *   starting from 0 or C: c = fma(a, b, c) with AVX2, c = c + a * b
 *   portably, however the product was tiled, packed or blocked. */
static void test_products_match_references(void **state) {
  (void)state;
  simd_isa paths[2];
  size_t n_paths = available_paths(paths);
  for (size_t path = 0; path < n_paths; path++) {
    simd_force(paths[path]);
    float (*step)(float, float, float) =
        paths[path] == SIMD_AVX2 ? fused : unfused;
    for (size_t sh = 0; sh < G_N_ELEMENTS(shapes); sh++) {
      for (int op = NN; op <= NT; op++) {
        for (int beta = 0; beta <= 1; beta++) {
          problem p = problem_new(op, shapes[sh], (float)beta, 10 * sh + op);
          problem_run(&p);
          shape s = p.s;
          for (size_t i = 0; i < s.m; i++) {
            for (size_t j = 0; j < s.n; j++) {
              float chain = beta ? p.c0[i * s.n + j] : 0.0f;
              double exact = chain, magnitude = fabs(exact);
              for (size_t q = 0; q < s.k; q++) {
                float x = a_at(op, p.a, s, i, q), y = b_at(op, p.b, s, q, j);
                exact += (double)x * y;
                magnitude += fabs((double)x * y);
                chain = step(x, y, chain);
              }
              double tolerance = (double)(s.k + 2) * 0x1p-23 * magnitude;
              float got = p.c[i * s.n + j];
              if (!(fabs(got - exact) <= tolerance))
                fail_msg("%s: C(%zu, %zu) = %.9g, expected %.9g (tolerance %g)",
                         describe(&p), i, j, (double)got, exact, tolerance);
              if (memcmp(&got, &chain, sizeof got) != 0)
                fail_msg("%s: C(%zu, %zu) = %a, the chain gives %a",
                         describe(&p), i, j, (double)got, (double)chain);
            }
          }
          problem_free(&p);
        }
      }
    }
  }
  simd_force(SIMD_AVX2);
}

/* The two paths agree within twice the reference tolerance, on the
 * benchmark's training shapes too. */
static void test_paths_agree(void **state) {
  (void)state;
  simd_isa paths[2];
  if (available_paths(paths) < 2) skip();
  const shape large[] = {{64, 256, 784}, {256, 128, 64}, {64, 784, 256}};
  for (size_t sh = 0; sh < G_N_ELEMENTS(large); sh++) {
    for (int op = NN; op <= NT; op++) {
      problem p = problem_new(op, large[sh], 1.0f, 3 + sh);
      simd_force(SIMD_SCALAR);
      problem_run(&p);
      size_t cells = p.s.m * p.s.n;
      float *scalar = g_memdup2(p.c, cells * sizeof(float));
      simd_force(SIMD_AVX2);
      problem_run(&p);
      for (size_t i = 0; i < cells; i++) {
        /* |a|, |b| < 1: sum |a b| + |c| <= k + 1. */
        double tolerance =
            2.0 * (double)(p.s.k + 2) * 0x1p-23 * (double)(p.s.k + 1);
        if (!(fabs((double)p.c[i] - scalar[i]) <= tolerance))
          fail_msg("%s: element %zu: avx2 %.9g, scalar %.9g", describe(&p), i,
                   (double)p.c[i], (double)scalar[i]);
      }
      g_free(scalar);
      problem_free(&p);
    }
  }
}

/* Products large enough to be split between threads give the same bits
 * for 1, 2 and 3 threads, on both paths. */
static void test_thread_count_does_not_change_bits(void **state) {
  (void)state;
  /* Over the split threshold (2^21): columns split in place, columns split
   * with B packed in strips, rows split with packing. */
  const shape large[] = {{128, 160, 120}, {60, 530, 70}, {300, 30, 300}};
  simd_isa paths[2];
  size_t n_paths = available_paths(paths);
  for (size_t path = 0; path < n_paths; path++) {
    simd_force(paths[path]);
    for (size_t sh = 0; sh < G_N_ELEMENTS(large); sh++) {
      for (int op = NN; op <= NT; op++) {
        problem p = problem_new(op, large[sh], (float)(sh % 2), 5 + sh);
        size_t cells = p.s.m * p.s.n;
        pool_set_threads(1);
        problem_run(&p);
        float *one = g_memdup2(p.c, cells * sizeof(float));
        for (size_t threads = 2; threads <= 3; threads++) {
          pool_set_threads(threads);
          problem_run(&p);
          if (memcmp(one, p.c, cells * sizeof(float)) != 0)
            fail_msg("%s: %zu threads differ from one", describe(&p), threads);
        }
        g_free(one);
        problem_free(&p);
      }
    }
  }
  pool_set_threads(0);
  simd_force(SIMD_AVX2);
}

/* ---- Thread pool and flat-vector passes ------------------------------------
 */

typedef struct count_context {
  gint runs[64];
} count_context;

static void count_inner_task(void *context, size_t task) {
  count_context *counts = context;
  g_atomic_int_inc(&counts->runs[task]);
}

static void count_task(void *context, size_t task) {
  count_context *counts = context;
  g_atomic_int_inc(&counts->runs[task]);
  /* A nested call runs on the calling thread. */
  if (task == 0) {
    count_context inner = {{0}};
    pool_parallel_for(3, count_inner_task, &inner);
    for (size_t i = 0; i < 3; i++) assert_int_equal(inner.runs[i], 1);
  }
}

static void test_pool_runs_every_task_once(void **state) {
  (void)state;
  for (size_t threads = 1; threads <= 4; threads++) {
    pool_set_threads(threads);
    for (size_t n_tasks = 0; n_tasks <= 64; n_tasks += 7) {
      for (int repeat = 0; repeat < 20; repeat++) {
        count_context counts = {{0}};
        pool_parallel_for(n_tasks, count_task, &counts);
        for (size_t i = 0; i < 64; i++)
          assert_int_equal(counts.runs[i], i < n_tasks ? 1 : 0);
      }
    }
  }
  pool_set_threads(0);
  assert_true(pool_threads() >= 1);
}

static void test_sum_of_squares_is_the_same_on_both_paths(void **state) {
  (void)state;
  simd_isa paths[2];
  size_t n_paths = available_paths(paths);
  float v[1000];
  fill(v, G_N_ELEMENTS(v), 42);
  for (size_t n = 0; n <= G_N_ELEMENTS(v); n += n < 40 ? 1 : 97) {
    double exact = 0;
    for (size_t i = 0; i < n; i++) exact += (double)v[i] * v[i];
    double first = 0;
    for (size_t path = 0; path < n_paths; path++) {
      simd_force(paths[path]);
      double sum = vector_sum_of_squares(v, n);
      assert_true(fabs(sum - exact) <= 1e-12 * (exact + 1));
      if (path == 0) first = sum;
      assert_memory_equal(&sum, &first, sizeof sum);
    }
  }
  simd_force(SIMD_AVX2);
}

static void test_all_finite_finds_every_position(void **state) {
  (void)state;
  simd_isa paths[2];
  size_t n_paths = available_paths(paths);
  float v[67];
  const float bad[] = {NAN, INFINITY, -INFINITY};
  for (size_t path = 0; path < n_paths; path++) {
    simd_force(paths[path]);
    fill(v, G_N_ELEMENTS(v), 1);
    v[3] = FLT_MAX;
    v[5] = -FLT_MAX;
    v[7] = 1e-45f; /* the smallest subnormal */
    for (size_t n = 0; n <= G_N_ELEMENTS(v); n++)
      assert_true(vector_all_finite(v, n));
    for (size_t at = 0; at < G_N_ELEMENTS(v); at++) {
      for (size_t b = 0; b < G_N_ELEMENTS(bad); b++) {
        float saved = v[at];
        v[at] = bad[b];
        assert_false(vector_all_finite(v, G_N_ELEMENTS(v)));
        assert_true(vector_all_finite(v, at));
        v[at] = saved;
      }
    }
  }
  simd_force(SIMD_AVX2);
}

/* ---- Whole training runs in child processes --------------------------------
 */

static const char *self_path;

/* A network wide enough that its products and its optimizer update are
 * split between threads: 256-384-128-10, 148k parameters, batch 64. */
#define CHILD_INPUTS 256
#define CHILD_ROWS 256

static int train_child(void) {
  GError *error = NULL;
  const char *const layers[] = {"384:relu", "128:tanh", "10:identity", NULL};
  nnlab_model *model =
      nnlab_model_new(test_registry(), CHILD_INPUTS, layers, &error);
  nnlab_dataset *data = nnlab_dataset_new(NNLAB_TASK_CLASSIFICATION, CHILD_ROWS,
                                          CHILD_INPUTS, 1, 10, &error);
  nnlab_component loss, optimizer;
  if (!model || !data ||
      !nnlab_component_resolve(test_registry(), NNLAB_KIND_LOSS,
                               "cross_entropy", &loss, &error) ||
      !nnlab_component_resolve(test_registry(), NNLAB_KIND_OPTIMIZER,
                               "sgd(lr=0.05, momentum=0.9)", &optimizer,
                               &error)) {
    fprintf(stderr, "%s\n", error->message);
    return 1;
  }
  nnlab_rng rng;
  nnlab_rng_seed(&rng, 9);
  nnlab_model_init(model, NNLAB_INIT_HE_UNIFORM, 0, &rng);
  for (size_t i = 0; i < CHILD_ROWS; i++) {
    data->labels[i] = (int32_t)(nnlab_rng_uniform(&rng) * 10);
    for (size_t j = 0; j < CHILD_INPUTS; j++)
      data->features[i * CHILD_INPUTS + j] =
          (float)nnlab_rng_normal(&rng) + (j % 10 == (size_t)data->labels[i]);
  }
  nnlab_train_config config;
  nnlab_train_config_init(&config);
  config.epochs = 2;
  config.batch_size = 64;
  config.seed = 4;
  config.clip_norm = 5.0;
  nnlab_trainer *trainer =
      nnlab_trainer_new(model, &loss, &optimizer, &config, &error);
  if (!trainer || !nnlab_trainer_fit(trainer, data, NULL, &error)) {
    fprintf(stderr, "%s\n", error->message);
    return 1;
  }
  const float *params = nnlab_model_params(model);
  for (size_t i = 0; i < nnlab_model_n_params(model); i++) {
    uint32_t bits;
    memcpy(&bits, &params[i], sizeof bits);
    printf("%08" PRIx32 "\n", bits);
  }
  nnlab_trainer_free(trainer);
  nnlab_component_clear(&loss);
  nnlab_component_clear(&optimizer);
  nnlab_dataset_free(data);
  nnlab_model_free(model);
  return 0;
}

/* The trained weights of a child run with the given environment. */
static GArray *trained_weights(const char *simd, const char *threads) {
  char **env = g_get_environ();
  env = g_environ_setenv(env, "NNLAB_SIMD", simd, TRUE);
  env = g_environ_setenv(env, "NNLAB_THREADS", threads, TRUE);
  const char *argv[] = {self_path, "--train-child", NULL};
  char *out = NULL, *err = NULL;
  int status = 0;
  GError *error = NULL;
  if (!g_spawn_sync(NULL, (char **)argv, env, G_SPAWN_DEFAULT, NULL, NULL, &out,
                    &err, &status, &error))
    fail_msg("cannot run %s: %s", self_path, error->message);
  if (!g_spawn_check_wait_status(status, NULL))
    fail_msg("training child (NNLAB_SIMD=%s NNLAB_THREADS=%s) failed: %s", simd,
             threads, err);
  GArray *weights = g_array_new(FALSE, FALSE, sizeof(float));
  for (char *line = out; *line;) {
    char *end = NULL;
    uint32_t bits = (uint32_t)strtoul(line, &end, 16);
    float w;
    memcpy(&w, &bits, sizeof w);
    g_array_append_val(weights, w);
    line = *end ? end + 1 : end;
  }
  g_free(out);
  g_free(err);
  g_strfreev(env);
  return weights;
}

static void assert_bitwise_equal(GArray *x, GArray *y, const char *what) {
  assert_int_equal(x->len, y->len);
  if (memcmp(x->data, y->data, x->len * sizeof(float)) != 0)
    fail_msg("%s: weights differ", what);
}

/* Training with 1 and 2 threads gives the same weights bit for bit on
 * each path; the two paths agree within 1e-5 after 8 steps (the
 * difference is rounding: FMA against separate products and sums). */
static void test_training_runs_agree(void **state) {
  (void)state;
  GArray *avx2_1 = trained_weights("avx2", "1");
  GArray *avx2_2 = trained_weights("avx2", "2");
  GArray *scalar_1 = trained_weights("scalar", "1");
  GArray *scalar_2 = trained_weights("scalar", "2");
  assert_true(avx2_1->len > 100000);
  assert_bitwise_equal(avx2_1, avx2_2, "avx2 path, 1 and 2 threads");
  assert_bitwise_equal(scalar_1, scalar_2, "scalar path, 1 and 2 threads");
  assert_int_equal(avx2_1->len, scalar_1->len);
  double worst = 0;
  for (guint i = 0; i < avx2_1->len; i++) {
    float x = g_array_index(avx2_1, float, i);
    float y = g_array_index(scalar_1, float, i);
    assert_true(isfinite(x) && isfinite(y));
    worst = fmax(worst, fabs((double)x - y));
  }
  if (!(worst <= 1e-5)) fail_msg("paths differ by %g after training", worst);
  g_array_unref(avx2_1);
  g_array_unref(avx2_2);
  g_array_unref(scalar_1);
  g_array_unref(scalar_2);
}

/* ---- The divergence guard over chunked, threaded updates --------------------
 */

/* 1 input, 66000 ReLU units, 1 output: 198k parameters, so the update
 * runs in 49 chunks split between threads. Units 0-19999 are alive and the
 * rest dead (zero gradients), and Adam with eps 0 turns a zero gradient
 * into 0 / 0: the first chunks get finite updates, later ones NaN. Every
 * weight the step changed must be put back. */
static void test_divergent_update_restores_every_chunk(void **state) {
  (void)state;
  const size_t hidden = 66000, alive = 20000;
  GError *error = NULL;
  char spec[32];
  snprintf(spec, sizeof spec, "%zu:relu", hidden);
  const char *const layers[] = {spec, "1:identity", NULL};
  nnlab_model *model = nnlab_model_new(test_registry(), 1, layers, &error);
  assert_non_null(model);
  float *w1 = nnlab_model_layer_weights(model, 0);
  float *w2 = nnlab_model_layer_weights(model, 1);
  for (size_t j = 0; j < hidden; j++) {
    w1[j] = j < alive ? 1.0f : -1.0f;
    w2[j] = 0.001f;
  }
  size_t n = nnlab_model_n_params(model);
  float *before = g_memdup2(nnlab_model_params(model), n * sizeof(float));
  nnlab_dataset *data =
      nnlab_dataset_new(NNLAB_TASK_REGRESSION, 1, 1, 1, 0, &error);
  data->features[0] = 1.0f;
  data->targets[0] = 0.0f;
  nnlab_component loss, adam;
  assert_true(nnlab_component_resolve(test_registry(), NNLAB_KIND_LOSS, "mse",
                                      &loss, &error));
  assert_true(nnlab_component_resolve(test_registry(), NNLAB_KIND_OPTIMIZER,
                                      "adam(lr=0.001, eps=0)", &adam, &error));
  nnlab_train_config config;
  nnlab_train_config_init(&config);
  config.epochs = 1;
  config.batch_size = 1;
  nnlab_trainer *trainer =
      nnlab_trainer_new(model, &loss, &adam, &config, &error);
  assert_false(nnlab_trainer_fit(trainer, data, NULL, &error));
  assert_non_null(error);
  assert_int_equal(error->code, NNLAB_ERROR_DIVERGED);
  if (!strstr(error->message, "an updated weight"))
    fail_msg("unexpected error: %s", error->message);
  g_clear_error(&error);
  assert_memory_equal(nnlab_model_params(model), before, n * sizeof(float));
  g_free(before);
  nnlab_trainer_free(trainer);
  nnlab_component_clear(&loss);
  nnlab_component_clear(&adam);
  nnlab_dataset_free(data);
  nnlab_model_free(model);
}

/* Allocations counted by the engine (nnlab_debug_allocations) while
 * fitting a warmed-up trainer for the given number of epochs. */
static guint64 allocations_for_epochs(nnlab_trainer *trainer,
                                      const nnlab_dataset *data,
                                      size_t epochs) {
  nnlab_trainer_state state;
  nnlab_trainer_get_state(trainer, &state);
  nnlab_trainer_set_epochs(trainer, state.epochs_done + epochs);
  GError *error = NULL;
  nnlab_debug_fail_allocation(0);
  if (!nnlab_trainer_fit(trainer, data, NULL, &error))
    fail_msg("%s", error->message);
  return nnlab_debug_allocations();
}

/* After the first steps have sized the workspaces, a fit allocates its
 * batch buffers and nothing per step: 1 epoch and 5 epochs (of 16 steps
 * each) allocate the same. */
static void test_training_steps_allocate_nothing(void **state) {
  (void)state;
  GError *error = NULL;
  const char *const layers[] = {"64:relu", "64:relu", "10:identity", NULL};
  nnlab_model *model = nnlab_model_new(test_registry(), 30, layers, &error);
  nnlab_dataset *data =
      nnlab_dataset_new(NNLAB_TASK_CLASSIFICATION, 500, 30, 1, 10, &error);
  assert_non_null(data);
  nnlab_rng rng;
  nnlab_rng_seed(&rng, 3);
  nnlab_model_init(model, NNLAB_INIT_HE_UNIFORM, 0, &rng);
  for (size_t i = 0; i < 500; i++) {
    data->labels[i] = (int32_t)(i % 10);
    for (size_t j = 0; j < 30; j++)
      data->features[i * 30 + j] = (float)nnlab_rng_normal(&rng);
  }
  nnlab_component loss, adam;
  assert_true(nnlab_component_resolve(test_registry(), NNLAB_KIND_LOSS,
                                      "cross_entropy", &loss, &error));
  assert_true(nnlab_component_resolve(test_registry(), NNLAB_KIND_OPTIMIZER,
                                      "adam", &adam, &error));
  nnlab_train_config config;
  nnlab_train_config_init(&config);
  config.batch_size = 32; /* 15 full batches and one of 20 rows */
  nnlab_trainer *trainer =
      nnlab_trainer_new(model, &loss, &adam, &config, &error);
  assert_non_null(trainer);
  allocations_for_epochs(trainer, data, 1); /* warm-up */
  guint64 one = allocations_for_epochs(trainer, data, 1);
  guint64 five = allocations_for_epochs(trainer, data, 5);
  assert_int_equal(one, five);
  nnlab_trainer_free(trainer);
  nnlab_component_clear(&loss);
  nnlab_component_clear(&adam);
  nnlab_dataset_free(data);
  nnlab_model_free(model);
}

int main(int argc, char **argv) {
  self_path = argv[0];
  /* The library reads this at its first parallel step: split the update
   * in the divergence test between threads even on a one-core machine. */
  g_setenv("NNLAB_THREADS", "2", FALSE);
  if (argc == 2 && strcmp(argv[1], "--train-child") == 0) return train_child();
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_products_match_references),
      cmocka_unit_test(test_paths_agree),
      cmocka_unit_test(test_thread_count_does_not_change_bits),
      cmocka_unit_test(test_pool_runs_every_task_once),
      cmocka_unit_test(test_sum_of_squares_is_the_same_on_both_paths),
      cmocka_unit_test(test_all_finite_finds_every_position),
      cmocka_unit_test(test_training_runs_agree),
      cmocka_unit_test(test_divergent_update_restores_every_chunk),
      cmocka_unit_test(test_training_steps_allocate_nothing),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
