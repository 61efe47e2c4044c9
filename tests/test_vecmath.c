/* The vector math (nnlab_vec_*): every kernel, AVX2 and portable, against
 * libm in double, within the error bounds plugin.h documents. It tests
 * accuracy and dispatch, not speed. */

/* Over a dense sweep of [-100, 100], a million random floats over the
 * whole range and the extremes; exact special values; in-place use;
 * lengths that are not a multiple of the vector width; dispatch. Compiled
 * with the vector math's sources (core/meson.build) so both kernel tables
 * are reachable. */
#include <float.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <nnlab/plugin.h>

#include "compute/simd.h"
#include "compute/vecmath_internal.h"

/* ---- The functions and their documented bounds (plugin.h) ---------------- */

static double ref_sigmoid(double x) {
  return x >= 0 ? 1 / (1 + exp(-x)) : exp(x) / (1 + exp(x));
}

static double ref_softplus(double x) {
  return x > 0 ? x + log1p(exp(-x)) : log1p(exp(x));
}

typedef struct vm_function {
  const char *name;
  size_t offset; /* of the kernel in vm_kernels */
  double (*reference)(double x);
  void (*public_function)(const float *x, float *y, size_t n);
  double bound_avx2, bound_scalar; /* max error in ulp */
} vm_function;

#define FUNCTION(name, reference, avx2, scalar)                           \
  {                                                                       \
#name, offsetof(vm_kernels, name), reference, nnlab_vec_##name, avx2, \
        scalar                                                            \
  }

static const vm_function functions[] = {
    FUNCTION(exp, exp, 1.0, 1.0),
    FUNCTION(expm1, expm1, 1.5, 1.5),
    FUNCTION(log, log, 1.0, 1.0),
    FUNCTION(log1p, log1p, 1.0, 1.0),
    FUNCTION(tanh, tanh, 1.0, 1.5),
    FUNCTION(sigmoid, ref_sigmoid, 1.0, 1.0),
    FUNCTION(softplus, ref_softplus, 1.5, 1.5),
    FUNCTION(erf, erf, 1.0, 1.0),
    FUNCTION(erfc, erfc, 3.0, 3.0),
};
#define N_FUNCTIONS NNLAB_ARRAY_LENGTH(functions)

typedef struct path {
  const char *name;
  const vm_kernels *kernels;
} path;

static vm_array_fn kernel(const vm_kernels *kernels, const vm_function *f) {
  vm_array_fn fn;
  memcpy(&fn, (const char *)kernels + f->offset, sizeof fn);
  return fn;
}

static bool have_avx2(void) {
  simd_isa previous = simd_active();
  bool available = simd_force(SIMD_AVX2) == SIMD_AVX2;
  simd_force(previous);
  return available;
}

/* The paths this CPU runs: the portable one, and AVX2 when it has it. */
static size_t paths(path out[2], double bounds[2], const vm_function *f) {
  size_t n = 0;
  out[n] = (path){"scalar", &vm_scalar};
  bounds[n++] = f->bound_scalar;
#if defined(__x86_64__)
  if (have_avx2()) {
    out[n] = (path){"avx2", &vm_avx2};
    bounds[n++] = f->bound_avx2;
  }
#endif
  return n;
}

/* ---- Error measure ------------------------------------------------------ */

/* |y - exact| in units of the last place of the float nearest to exact
 * (2^-149 in the denormal range). A result that must round to infinity
 * has to be infinite (or FLT_MAX, one ulp off); NaN has to be NaN. */
static double ulp_error(float y, double exact) {
  if (isnan(exact)) return isnan(y) ? 0 : INFINITY;
  if (isnan(y)) return INFINITY;
  if (isinf((float)exact)) {
    if ((y > 0) != (exact > 0)) return INFINITY;
    return isinf(y) ? 0 : fabsf(y) == FLT_MAX ? 1 : INFINITY;
  }
  int exponent;
  frexp(fabs(exact), &exponent);
  double ulp = ldexp(1, exponent - 24 < -149 ? -149 : exponent - 24);
  double value = isinf(y) ? copysign(0x1p128, y) : y;
  return fabs(value - exact) / ulp;
}

typedef struct worst {
  double error;
  float x, y;
  double exact;
} worst;

/* Runs fn over x[0..n) and records the largest error. */
static worst measure(vm_array_fn fn, const float *x, const double *exact,
                     float *y, size_t n) {
  worst w = {0, 0, 0, 0};
  fn(x, y, n);
  for (size_t i = 0; i < n; i++) {
    double error = ulp_error(y[i], exact[i]);
    if (error > w.error) w = (worst){error, x[i], y[i], exact[i]};
  }
  return w;
}

/* Every path within its bound at every x, and the paths within the sum of
 * their bounds of each other. */
static void check_inputs(const vm_function *f, const float *x, size_t n,
                         const char *inputs) {
  double *exact = malloc(n * sizeof *exact);
  float *y[2] = {malloc(n * sizeof(float)), malloc(n * sizeof(float))};
  for (size_t i = 0; i < n; i++) exact[i] = f->reference(x[i]);
  path p[2];
  double bound[2];
  size_t n_paths = paths(p, bound, f);
  for (size_t k = 0; k < n_paths; k++) {
    worst w = measure(kernel(p[k].kernels, f), x, exact, y[k], n);
    if (!(w.error <= bound[k]))
      fail_msg(
          "%s %s over %s: %.3g ulp at x = %.9g (%a): got %.9g, exact "
          "%.17g; bound %.3g",
          p[k].name, f->name, inputs, w.error, (double)w.x, (double)w.x,
          (double)w.y, w.exact, bound[k]);
  }
  if (n_paths == 2) {
    for (size_t i = 0; i < n; i++) {
      if (isnan(y[0][i]) && isnan(y[1][i])) continue;
      if (!(ulp_error(y[0][i], y[1][i]) <= bound[0] + bound[1]))
        fail_msg("%s over %s: scalar %.9g and avx2 %.9g at x = %.9g", f->name,
                 inputs, (double)y[0][i], (double)y[1][i], (double)x[i]);
    }
  }
  free(exact);
  free(y[0]);
  free(y[1]);
}

/* ---- Inputs ------------------------------------------------------------ */

/* Every multiple of 2^-12 in [-100, 100]. */
static float *dense_inputs(size_t *n) {
  const long steps = 100L << 12;
  float *x = malloc((size_t)(2 * steps + 1) * sizeof *x);
  for (long i = -steps; i <= steps; i++) x[i + steps] = ldexpf((float)i, -12);
  *n = (size_t)(2 * steps + 1);
  return x;
}

static uint64_t splitmix64(uint64_t *state) {
  uint64_t z = (*state += 0x9e3779b97f4a7c15u);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
  return z ^ (z >> 31);
}

/* A million finite floats with uniformly random bits: every binade from
 * the denormals to FLT_MAX, both signs, equally often. Fixed seed. */
#define N_RANDOM 1000000
static float *random_inputs(void) {
  float *x = malloc(N_RANDOM * sizeof *x);
  uint64_t state = 20240607;
  for (size_t i = 0; i < N_RANDOM;) {
    uint32_t bits = (uint32_t)splitmix64(&state);
    float v;
    memcpy(&v, &bits, sizeof v);
    if (isfinite(v)) x[i++] = v;
  }
  return x;
}

static const float extremes[] = {
    0.0f,
    -0.0f,
    0x1p-149f,
    -0x1p-149f,
    0x1.fffffcp-127f,
    -0x1p-140f,
    0x1p-126f,
    -0x1p-126f,
    0x1p-24f,
    -0x1p-24f,
    FLT_MAX,
    -FLT_MAX,
    INFINITY,
    -INFINITY,
    NAN,
    1000.0f,
    -1000.0f,
    100.0f,
    -100.0f,
    88.7228394f,
    88.7228470f,
    -87.3365479f,
    -103.972076f,
    -103.972084f,
    -104.0f,
    9.01f,
    -9.01f,
    20.0f,
    -20.0f,
    10.0546875f,
    -10.0546875f,
    3.92f,
    -3.92f,
    1.0f,
    -1.0f,
    0.75f,
    -0.75f,
    0.875f,
    -0.875f,
    0.99999994f,
    1.00000012f,
    -0.99999994f,
    0x1.6a09e6p-1f,
    0x1.6a09e6p+0f,
    16777216.0f,
};

/* ---- Sweeps ------------------------------------------------------------ */

static void test_dense_sweep(void **state) {
  const vm_function *f = *state;
  size_t n;
  float *x = dense_inputs(&n);
  check_inputs(f, x, n, "multiples of 2^-12 in [-100, 100]");
  free(x);
}

static void test_random_full_range(void **state) {
  const vm_function *f = *state;
  float *x = random_inputs();
  check_inputs(f, x, N_RANDOM, "random floats");
  free(x);
}

static void test_extremes(void **state) {
  const vm_function *f = *state;
  check_inputs(f, extremes, NNLAB_ARRAY_LENGTH(extremes), "extremes");
}

/* ---- Exact special values ------------------------------------------------ */

typedef struct special {
  const char *function;
  float x, y; /* y compared bit for bit (any NaN for NaN) */
} special;

static const special specials[] = {
    {"exp", -INFINITY, 0.0f},
    {"exp", INFINITY, INFINITY},
    {"exp", -1000.0f, 0.0f},
    {"exp", 1000.0f, INFINITY},
    {"exp", 89.0f, INFINITY},
    {"exp", -104.0f, 0.0f},
    {"exp", 0.0f, 1.0f},
    {"exp", -0.0f, 1.0f},
    {"exp", FLT_MAX, INFINITY},
    {"exp", -FLT_MAX, 0.0f},
    {"exp", NAN, NAN},
    {"expm1", -INFINITY, -1.0f},
    {"expm1", INFINITY, INFINITY},
    {"expm1", -1000.0f, -1.0f},
    {"expm1", 1000.0f, INFINITY},
    {"expm1", 0.0f, 0.0f},
    {"expm1", -0.0f, -0.0f},
    {"expm1", 0x1p-149f, 0x1p-149f},
    {"expm1", -0x1p-149f, -0x1p-149f},
    {"expm1", NAN, NAN},
    {"log", 0.0f, -INFINITY},
    {"log", -0.0f, -INFINITY},
    {"log", -1.0f, NAN},
    {"log", -INFINITY, NAN},
    {"log", -0x1p-149f, NAN},
    {"log", INFINITY, INFINITY},
    {"log", 1.0f, 0.0f},
    {"log", NAN, NAN},
    {"log1p", -1.0f, -INFINITY},
    {"log1p", -2.0f, NAN},
    {"log1p", -INFINITY, NAN},
    {"log1p", INFINITY, INFINITY},
    {"log1p", 0.0f, 0.0f},
    {"log1p", -0.0f, -0.0f},
    {"log1p", 0x1p-149f, 0x1p-149f},
    {"log1p", -0x1p-149f, -0x1p-149f},
    {"log1p", NAN, NAN},
    {"tanh", INFINITY, 1.0f},
    {"tanh", -INFINITY, -1.0f},
    {"tanh", 20.0f, 1.0f},
    {"tanh", -20.0f, -1.0f},
    {"tanh", 1000.0f, 1.0f},
    {"tanh", -FLT_MAX, -1.0f},
    {"tanh", 0.0f, 0.0f},
    {"tanh", -0.0f, -0.0f},
    {"tanh", 0x1p-149f, 0x1p-149f},
    {"tanh", -0x1p-149f, -0x1p-149f},
    {"tanh", NAN, NAN},
    {"sigmoid", -1000.0f, 0.0f},
    {"sigmoid", 1000.0f, 1.0f},
    {"sigmoid", -INFINITY, 0.0f},
    {"sigmoid", INFINITY, 1.0f},
    {"sigmoid", FLT_MAX, 1.0f},
    {"sigmoid", -FLT_MAX, 0.0f},
    {"sigmoid", 0.0f, 0.5f},
    {"sigmoid", -0.0f, 0.5f},
    {"sigmoid", NAN, NAN},
    {"softplus", 1000.0f, 1000.0f},
    {"softplus", -1000.0f, 0.0f},
    {"softplus", INFINITY, INFINITY},
    {"softplus", -INFINITY, 0.0f},
    {"softplus", FLT_MAX, FLT_MAX},
    {"softplus", -FLT_MAX, 0.0f},
    {"softplus", NAN, NAN},
    {"erf", INFINITY, 1.0f},
    {"erf", -INFINITY, -1.0f},
    {"erf", 10.0f, 1.0f},
    {"erf", -10.0f, -1.0f},
    {"erf", 0.0f, 0.0f},
    {"erf", -0.0f, -0.0f},
    {"erf", NAN, NAN},
    {"erfc", INFINITY, 0.0f},
    {"erfc", -INFINITY, 2.0f},
    {"erfc", 30.0f, 0.0f},
    {"erfc", -10.0f, 2.0f},
    {"erfc", 0.0f, 1.0f},
    {"erfc", -0.0f, 1.0f},
    {"erfc", NAN, NAN},
};

static const vm_function *function_named(const char *name) {
  for (size_t i = 0; i < N_FUNCTIONS; i++)
    if (strcmp(functions[i].name, name) == 0) return &functions[i];
  fail_msg("no function %s", name);
  return NULL;
}

static bool same_bits(float a, float b) {
  return (isnan(a) && isnan(b)) || memcmp(&a, &b, sizeof a) == 0;
}

static void test_special_values(void **state) {
  (void)state;
  for (size_t i = 0; i < NNLAB_ARRAY_LENGTH(specials); i++) {
    const special *s = &specials[i];
    const vm_function *f = function_named(s->function);
    path p[2];
    double bound[2];
    size_t n_paths = paths(p, bound, f);
    for (size_t k = 0; k < n_paths; k++) {
      float y = 0;
      kernel(p[k].kernels, f)(&s->x, &y, 1);
      if (!same_bits(y, s->y))
        fail_msg("%s %s(%g) = %a, expected %a", p[k].name, s->function,
                 (double)s->x, (double)y, (double)s->y);
    }
  }
}

/* ---- Arrays ------------------------------------------------------------- */

/* In place gives the bits of out of place. */
static void test_in_place(void **state) {
  (void)state;
  enum { N = 1003 };
  float x[N], y[N], buffer[N];
  for (size_t i = 0; i < N; i++) x[i] = (float)i / 16.0f - 31.0f;
  for (size_t f = 0; f < N_FUNCTIONS; f++) {
    path p[2];
    double bound[2];
    size_t n_paths = paths(p, bound, &functions[f]);
    for (size_t k = 0; k < n_paths; k++) {
      vm_array_fn fn = kernel(p[k].kernels, &functions[f]);
      fn(x, y, N);
      memcpy(buffer, x, sizeof buffer);
      fn(buffer, buffer, N);
      if (memcmp(buffer, y, sizeof y) != 0)
        fail_msg("%s %s in place differs", p[k].name, functions[f].name);
    }
  }
}

/* Every length from 0 to 33 at an odd offset: each element as in a long
 * array, nothing written past n. */
static void test_lengths(void **state) {
  (void)state;
  enum { MAX = 33, GUARD = 9 };
  float x[MAX + 1], expected[MAX + 1], y[MAX + 1 + GUARD];
  for (size_t i = 0; i <= MAX; i++) x[i] = 0.37f * (float)i - 5.0f;
  for (size_t f = 0; f < N_FUNCTIONS; f++) {
    path p[2];
    double bound[2];
    size_t n_paths = paths(p, bound, &functions[f]);
    for (size_t k = 0; k < n_paths; k++) {
      vm_array_fn fn = kernel(p[k].kernels, &functions[f]);
      fn(x, expected, MAX + 1);
      for (size_t n = 0; n <= MAX; n++) {
        for (size_t i = 0; i < NNLAB_ARRAY_LENGTH(y); i++) y[i] = -7.0f;
        fn(x + 1, y + 1, n);
        assert_true(y[0] == -7.0f);
        for (size_t i = 0; i < n; i++)
          if (!same_bits(y[i + 1], expected[i + 1]))
            fail_msg("%s %s, n = %zu: element %zu is %g, expected %g",
                     p[k].name, functions[f].name, n, i, (double)y[i + 1],
                     (double)expected[i + 1]);
        for (size_t i = n + 1; i < NNLAB_ARRAY_LENGTH(y); i++)
          assert_true(y[i] == -7.0f);
      }
    }
  }
}

/* nnlab_vec_* follow the path simd.c chose. */
static void test_dispatch(void **state) {
  (void)state;
  enum { N = 21 };
  float x[N], y[N], expected[N];
  for (size_t i = 0; i < N; i++) x[i] = 0.7f * (float)i - 6.3f;
  simd_isa previous = simd_active();
  simd_isa wanted[] = {SIMD_SCALAR, SIMD_AVX2};
  for (size_t w = 0; w < NNLAB_ARRAY_LENGTH(wanted); w++) {
    simd_isa got = simd_force(wanted[w]);
    const vm_kernels *kernels = &vm_scalar;
#if defined(__x86_64__)
    if (got == SIMD_AVX2) kernels = &vm_avx2;
#endif
    assert_ptr_equal(vm_active(), kernels);
    for (size_t f = 0; f < N_FUNCTIONS; f++) {
      functions[f].public_function(x, y, N);
      kernel(kernels, &functions[f])(x, expected, N);
      assert_memory_equal(y, expected, sizeof y);
    }
  }
  simd_force(previous);
}

/* The checker fails a kernel two ulp off. */
static vm_array_fn perturbed_target;
static void perturbed(const float *x, float *y, size_t n) {
  perturbed_target(x, y, n);
  for (size_t i = 0; i < n; i++)
    y[i] = nextafterf(nextafterf(y[i], INFINITY), INFINITY);
}

static void test_checker_catches_errors(void **state) {
  (void)state;
  const vm_function *f = function_named("exp");
  perturbed_target = vm_scalar.exp;
  size_t n;
  float *x = dense_inputs(&n);
  double *exact = malloc(n * sizeof *exact);
  float *y = malloc(n * sizeof *y);
  for (size_t i = 0; i < n; i++) exact[i] = f->reference(x[i]);
  worst good = measure(vm_scalar.exp, x, exact, y, n);
  worst bad = measure(perturbed, x, exact, y, n);
  assert_true(good.error <= f->bound_scalar);
  assert_true(bad.error > f->bound_scalar);
  free(x);
  free(exact);
  free(y);
}

/* ---- Runner ----------------------------------------------------------- */

static const struct {
  const char *name;
  CMUnitTestFunction function;
} per_function[] = {
    {"dense sweep", test_dense_sweep},
    {"random floats", test_random_full_range},
    {"extremes", test_extremes},
};

int main(void) {
  enum { N_PER = NNLAB_ARRAY_LENGTH(per_function), N_SINGLE = 5 };
  static char names[N_FUNCTIONS * N_PER][64];
  static struct CMUnitTest tests[N_FUNCTIONS * N_PER + N_SINGLE] = {
      cmocka_unit_test(test_special_values),
      cmocka_unit_test(test_in_place),
      cmocka_unit_test(test_lengths),
      cmocka_unit_test(test_dispatch),
      cmocka_unit_test(test_checker_catches_errors),
  };
  size_t n = N_SINGLE;
  for (size_t p = 0; p < N_PER; p++) {
    for (size_t f = 0; f < N_FUNCTIONS; f++) {
      char *name = names[p * N_FUNCTIONS + f];
      snprintf(name, sizeof names[0], "%s %s", per_function[p].name,
               functions[f].name);
      tests[n++] = (struct CMUnitTest){.name = name,
                                       .test_func = per_function[p].function,
                                       .initial_state = (void *)&functions[f]};
    }
  }
  return cmocka_run_group_tests_name("vecmath", tests, NULL, NULL);
}
