/* NNLAB_VECTORIZE promises the same bits from the AVX2 and the baseline
 * builds of a plugin function, so that a run resumed on another CPU goes on
 * exactly. Each built-in plugin that uses it is compared, bit for bit, with
 * a copy built with -DNNLAB_VECTORIZE= (baseline only, BASELINE_PLUGIN_DIR)
 * on random inputs, the extremes, infinities and NaN. */
#include <dlfcn.h>
#include <float.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <nnlab/nnlab.h>

#include "support/plugins.h"

/* Odd, so that every vector loop also runs its tail. */
#define N 1003
#define OPTIMIZER_STEPS 5

static const float special[] = {
    0.0f,   -0.0f,   1e-3f,    -1e-3f,    1.0f,    -1.0f,   3.0f,
    -3.0f,  20.0f,   -20.0f,   100.0f,    -100.0f, 1000.0f, -1000.0f,
    1e-40f, -1e-40f, INFINITY, -INFINITY, NAN,     FLT_MAX, -FLT_MAX};

/* Specials first, then normal(0, 4) values from a fixed seed. */
static void fill(float *v, size_t n, uint64_t seed, gboolean specials) {
  nnlab_rng rng;
  nnlab_rng_seed(&rng, seed);
  size_t i = 0;
  if (specials)
    for (; i < G_N_ELEMENTS(special) && i < n; i++) v[i] = special[i];
  for (; i < n; i++) v[i] = (float)(4.0 * nnlab_rng_normal(&rng));
}

/* The descriptor of the baseline-only copy of a plugin. The handle stays
 * open for the life of the test program. */
static const nnlab_plugin_info *baseline_plugin(const char *name) {
  char *path = g_strdup_printf("%s/baseline_%s.so", BASELINE_PLUGIN_DIR, name);
  void *handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (!handle) fail_msg("%s", dlerror());
  g_free(path);
  const nnlab_plugin_info *(*describe)(void) =
      (const nnlab_plugin_info *(*)(void))dlsym(handle,
                                                "nnlab_plugin_describe");
  assert_non_null(describe);
  return describe();
}

static nnlab_component resolve(nnlab_plugin_kind kind, const char *spec) {
  nnlab_component component;
  GError *error = NULL;
  if (!nnlab_component_resolve(test_registry(), kind, spec, &component, &error))
    fail_msg("%s", error->message);
  return component;
}

static void assert_same_bits(const char *spec, const char *what,
                             const float *built, const float *baseline,
                             size_t n) {
  for (size_t i = 0; i < n; i++)
    if (memcmp(&built[i], &baseline[i], sizeof(float)) != 0)
      fail_msg("%s %s, element %zu: %a from the build, %a from the baseline",
               spec, what, i, (double)built[i], (double)baseline[i]);
}

static void check_activation(const char *name, const char *spec) {
  nnlab_component built = resolve(NNLAB_KIND_ACTIVATION, spec);
  const nnlab_activation_ops *ops = &built.info->activation;
  const nnlab_activation_ops *base = &baseline_plugin(name)->activation;
  float x[N], dy[N], y[N], y_base[N], dx[N], dx_base[N];
  /* N elements as 59 rows of 17 columns. */
  const size_t rows = 59, cols = 17;
  fill(x, N, 1, TRUE);
  fill(dy, N, 2, FALSE);
  assert_int_equal(ops->forward(x, y, rows, cols, built.hparams),
                   NNLAB_STATUS_OK);
  assert_int_equal(base->forward(x, y_base, rows, cols, built.hparams),
                   NNLAB_STATUS_OK);
  assert_same_bits(spec, "forward", y, y_base, N);
  assert_int_equal(ops->backward(x, y, dy, dx, rows, cols, built.hparams),
                   NNLAB_STATUS_OK);
  assert_int_equal(base->backward(x, y, dy, dx_base, rows, cols, built.hparams),
                   NNLAB_STATUS_OK);
  assert_same_bits(spec, "backward", dx, dx_base, N);
  nnlab_component_clear(&built);
}

static void test_activations_match_their_baseline_build(void **state) {
  (void)state;
  static const char *const names[] = {
      "relu",    "leaky_relu", "step",     "hard_sigmoid", "elu", "selu",
      "sigmoid", "tanh",       "softplus", "mish",         "gelu"};
  for (size_t i = 0; i < G_N_ELEMENTS(names); i++)
    check_activation(names[i], names[i]);
  check_activation("leaky_relu", "leaky_relu(negative_slope=0.3)");
  check_activation("elu", "elu(alpha=0.5)");
  check_activation("gelu", "gelu(approximate=tanh)");
}

/* OPTIMIZER_STEPS updates of finite parameters from both builds, each
 * with its own slots; parameters and every slot must agree. */
static void check_optimizer(const char *name, const char *spec) {
  nnlab_component built = resolve(NNLAB_KIND_OPTIMIZER, spec);
  const nnlab_optimizer_ops *ops = &built.info->optimizer;
  const nnlab_optimizer_ops *base = &baseline_plugin(name)->optimizer;
  size_t n_slots = 0;
  while (n_slots < NNLAB_MAX_SLOTS && ops->slot_names[n_slots]) n_slots++;
  static float params[N], params_base[N], grads[N];
  static float slot_memory[2][NNLAB_MAX_SLOTS][N];
  float *slots[NNLAB_MAX_SLOTS], *slots_base[NNLAB_MAX_SLOTS];
  memset(slot_memory, 0, sizeof slot_memory);
  for (size_t s = 0; s < NNLAB_MAX_SLOTS; s++) {
    slots[s] = slot_memory[0][s];
    slots_base[s] = slot_memory[1][s];
  }
  fill(params, N, 3, FALSE);
  memcpy(params_base, params, sizeof params);
  for (uint64_t step = 1; step <= OPTIMIZER_STEPS; step++) {
    fill(grads, N, 10 + step, FALSE);
    grads[step] = 0.0f; /* a zero gradient on a zero slot */
    grads[step + 7] = 1e-30f;
    assert_int_equal(ops->step(params, grads, slots, N, step, built.hparams),
                     NNLAB_STATUS_OK);
    assert_int_equal(
        base->step(params_base, grads, slots_base, N, step, built.hparams),
        NNLAB_STATUS_OK);
  }
  assert_same_bits(spec, "parameters", params, params_base, N);
  for (size_t s = 0; s < n_slots; s++)
    assert_same_bits(spec, ops->slot_names[s], slots[s], slots_base[s], N);
  nnlab_component_clear(&built);
}

static void test_optimizers_match_their_baseline_build(void **state) {
  (void)state;
  static const char *const specs[][2] = {
      {"sgd", "sgd(lr=0.1)"},
      {"sgd", "sgd(lr=0.1, momentum=0.9, nesterov=true, weight_decay=0.01)"},
      {"sgd", "sgd(lr=0.1, momentum=0.9, dampening=0.5)"},
      {"adam", "adam"},
      {"adam", "adam(amsgrad=true, weight_decay=0.01)"},
      {"adamw", "adamw"},
      {"adamw", "adamw(amsgrad=true)"},
      {"adamax", "adamax"},
      {"adagrad", "adagrad(weight_decay=0.1)"},
      {"adadelta", "adadelta"},
      {"nadam", "nadam(weight_decay=0.01)"},
      {"rmsprop", "rmsprop"},
      {"rmsprop", "rmsprop(centered=true)"},
      {"rmsprop", "rmsprop(momentum=0.9)"},
      {"rmsprop", "rmsprop(centered=true, momentum=0.9, weight_decay=0.01)"},
  };
  for (size_t i = 0; i < G_N_ELEMENTS(specs); i++)
    check_optimizer(specs[i][0], specs[i][1]);
}

int main(void) {
#if defined(__x86_64__)
  __builtin_cpu_init();
  if (!__builtin_cpu_supports("avx2"))
#endif
    print_message(
        "note: no AVX2 clones on this CPU, so both builds run "
        "the baseline code\n");
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_activations_match_their_baseline_build),
      cmocka_unit_test(test_optimizers_match_their_baseline_build),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
