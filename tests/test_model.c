/* Dense networks: gradients of whole networks against central differences
 * for every built-in loss, the flat parameter layout, initialization,
 * standardization and layer specs. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <nnlab/nnlab.h>

#include "support/gradcheck.h"
#include "support/plugins.h"

#define assert_near(actual, expected, tol)                                    \
  do {                                                                        \
    double actual_ = (actual), expected_ = (expected), tol_ = (tol);          \
    if (!(fabs(actual_ - expected_) <= tol_))                                 \
      fail_msg("%s = %.17g, expected %.17g (tolerance %g)", #actual, actual_, \
               expected_, tol_);                                              \
  } while (0)

static void assert_contains(const char *text, const char *part) {
  if (!strstr(text, part)) fail_msg("'%s' does not contain '%s'", text, part);
}

static nnlab_model *new_model(size_t n_inputs, const char *const *layers) {
  GError *error = NULL;
  nnlab_model *model =
      nnlab_model_new(test_registry(), n_inputs, layers, &error);
  if (!model) fail_msg("%s", error->message);
  return model;
}

static void resolve_loss(const char *spec, nnlab_component *loss) {
  GError *error = NULL;
  if (!nnlab_component_resolve(test_registry(), NNLAB_KIND_LOSS, spec, loss,
                               &error))
    fail_msg("%s", error->message);
}

/* Xavier-uniform weights from seed and biases uniform in [-0.5, 0.5], so
 * that every parameter influences the loss. */
static void init_model(nnlab_model *model, uint64_t seed) {
  nnlab_rng rng;
  nnlab_rng_seed(&rng, seed);
  nnlab_model_init(model, NNLAB_INIT_XAVIER_UNIFORM, 0, &rng);
  for (size_t l = 0; l < nnlab_model_n_layers(model); l++) {
    float *b = nnlab_model_layer_bias(model, l);
    for (size_t j = 0; j < nnlab_model_layer_units(model, l); j++)
      b[j] = (float)(nnlab_rng_uniform(&rng) - 0.5);
  }
}

/* ---- Whole-network gradient checks ---------------------------------------
 */

/* How the targets of a case are made. */
typedef enum target_kind {
  TARGETS_VALUES,      /* uniform in [-1, 1] */
  TARGETS_AWAY,        /* pred +- 1: far from the kink of |d| */
  TARGETS_HUBER,       /* both sides of delta = 1, away from it */
  TARGETS_PROBABILITY, /* in (0, 1) */
  TARGETS_BINARY,      /* 0 or 1 as floats */
  TARGETS_ONE_HOT,     /* one-hot floats */
  TARGETS_CLASSES,     /* class indices in [0, outputs) */
  TARGETS_BINARY_CLASSES,
} target_kind;

typedef struct gradcheck_case {
  const char *loss;
  const char *layers[5]; /* NULL-terminated */
  target_kind targets;
} gradcheck_case;

enum { CHECK_INPUTS = 3, CHECK_ROWS = 5 };

/* A network, a batch and its targets. */
typedef struct problem {
  nnlab_model *model;
  nnlab_component loss;
  float x[CHECK_ROWS * CHECK_INPUTS];
  float values[CHECK_ROWS * 8];
  int32_t classes[CHECK_ROWS];
  nnlab_targets targets;
} problem;

/* The loss at the current parameters; the gradient with respect to the
 * output in dpred unless it is NULL. */
static double problem_loss(problem *p, float *dpred) {
  GError *error = NULL;
  const float *out = nnlab_model_forward(p->model, p->x, CHECK_ROWS, &error);
  if (!out) fail_msg("%s", error->message);
  double value = NAN;
  nnlab_status status = p->loss.info->loss.compute(
      out, &p->targets, CHECK_ROWS, nnlab_model_n_outputs(p->model),
      p->loss.hparams, &value, dpred);
  if (status != NNLAB_STATUS_OK)
    fail_msg("%s: %s", p->loss.info->name, nnlab_status_message(status));
  return value;
}

static void problem_init(problem *p, const gradcheck_case *c, uint64_t seed) {
  memset(p, 0, sizeof *p);
  p->model = new_model(CHECK_INPUTS, c->layers);
  init_model(p->model, seed);
  resolve_loss(c->loss, &p->loss);
  nnlab_rng rng;
  nnlab_rng_seed(&rng, seed + 1000);
  for (size_t i = 0; i < G_N_ELEMENTS(p->x); i++)
    p->x[i] = (float)(3.0 * nnlab_rng_uniform(&rng) - 1.5);
  size_t k = nnlab_model_n_outputs(p->model);
  g_assert(k <= 8);
  GError *error = NULL;
  const float *out = nnlab_model_forward(p->model, p->x, CHECK_ROWS, &error);
  if (!out) fail_msg("%s", error->message);
  for (size_t r = 0; r < CHECK_ROWS; r++) {
    p->classes[r] = (int32_t)((r * 2 + 1) % k);
    for (size_t j = 0; j < k; j++) {
      size_t i = r * k + j;
      float *t = &p->values[i];
      switch (c->targets) {
        case TARGETS_VALUES:
          *t = (float)(2.0 * nnlab_rng_uniform(&rng) - 1.0);
          break;
        case TARGETS_AWAY:
          *t = out[i] + (i % 2 ? 1.0f : -1.0f);
          break;
        case TARGETS_HUBER: {
          static const float offsets[] = {0.4f, -2.0f, -0.3f, 1.7f, 0.6f};
          *t = out[i] + offsets[i % G_N_ELEMENTS(offsets)];
          break;
        }
        case TARGETS_PROBABILITY:
          *t = (float)(0.1 + 0.8 * nnlab_rng_uniform(&rng));
          break;
        case TARGETS_BINARY:
          *t = (float)((r + j) % 2);
          break;
        case TARGETS_ONE_HOT:
          *t = j == (size_t)p->classes[r] ? 1.0f : 0.0f;
          break;
        case TARGETS_CLASSES:
        case TARGETS_BINARY_CLASSES:
          break;
      }
    }
    if (c->targets == TARGETS_BINARY_CLASSES) p->classes[r] = (int32_t)(r % 2);
  }
  if (c->targets == TARGETS_CLASSES || c->targets == TARGETS_BINARY_CLASSES)
    p->targets.classes = p->classes;
  else
    p->targets.values = p->values;
}

static void problem_clear(problem *p) {
  nnlab_model_free(p->model);
  nnlab_component_clear(&p->loss);
}

/* Backpropagates the loss's own output gradient; returns a copy of the
 * parameter gradients. */
static float *analytic_gradients(problem *p) {
  float dpred[CHECK_ROWS * 8];
  problem_loss(p, dpred);
  GError *error = NULL;
  if (!nnlab_model_backward(p->model, p->x, dpred, &error))
    fail_msg("%s", error->message);
  return g_memdup2(nnlab_model_grads(p->model),
                   nnlab_model_n_params(p->model) * sizeof(float));
}

/* Central differences of the loss in every parameter. The loss is a double
 * sum of float outputs whose rounding (~1e-6 relative after a few layers)
 * becomes noise of ~1e-6 |loss| / h in the numeric derivative, while the
 * truncation error grows as h^2. A power-of-two step of 2^-8 balances the
 * two: measured errors stay below a third of the tolerance, and a gradient
 * 1% off still fails by a factor of 3 or more. */
#define MODEL_GRAD_STEP 0x1.0p-8
#define MODEL_GRAD_ATOL 3e-5
#define MODEL_GRAD_RTOL 1e-3

/* Compares grads with the numeric derivatives; on a mismatch describes the
 * first one in message and returns false. */
static bool compare_with_numeric(problem *p, const float *grads, char *message,
                                 size_t message_size) {
  float *params = nnlab_model_params(p->model);
  size_t n = nnlab_model_n_params(p->model);
  for (size_t i = 0; i < n; i++) {
    float saved = params[i];
    float up = saved + (float)MODEL_GRAD_STEP;
    float down = saved - (float)MODEL_GRAD_STEP;
    params[i] = up;
    double loss_up = problem_loss(p, NULL);
    params[i] = down;
    double loss_down = problem_loss(p, NULL);
    params[i] = saved;
    double numeric = (loss_up - loss_down) / ((double)up - (double)down);
    double analytic = grads[i];
    if (!(fabs(analytic - numeric) <=
          MODEL_GRAD_ATOL +
              MODEL_GRAD_RTOL * fmax(fabs(analytic), fabs(numeric)))) {
      snprintf(message, message_size,
               "%s: parameter %zu of %zu: analytic %.9g, numeric %.9g",
               p->loss.info->name, i, n, analytic, numeric);
      return false;
    }
  }
  return true;
}

static const gradcheck_case gradcheck_cases[] = {
    {"mse", {"5:tanh", "4:softplus", "2:identity", NULL}, TARGETS_VALUES},
    {"mse", {"5:silu", "4:tanh", "3:softmax", NULL}, TARGETS_PROBABILITY},
    {"mae", {"5:sigmoid", "4:elu", "2:identity", NULL}, TARGETS_AWAY},
    {"huber", {"5:gelu", "4:tanh", "3:identity", NULL}, TARGETS_HUBER},
    {"huber(delta=0.5)",
     {"4:elu", "4:mish", "2:identity", NULL},
     TARGETS_HUBER},
    {"binary_cross_entropy",
     {"5:elu", "4:tanh", "2:sigmoid", NULL},
     TARGETS_PROBABILITY},
    {"binary_cross_entropy",
     {"5:tanh", "4:gelu", "2:sigmoid", NULL},
     TARGETS_BINARY},
    {"binary_cross_entropy",
     {"5:softplus", "3:tanh", "1:sigmoid", NULL},
     TARGETS_BINARY_CLASSES},
    {"bce_with_logits",
     {"5:softplus", "4:gelu", "2:identity", NULL},
     TARGETS_PROBABILITY},
    {"bce_with_logits",
     {"5:tanh", "4:sigmoid", "3:elu", "1:identity", NULL},
     TARGETS_BINARY_CLASSES},
    {"cross_entropy", {"5:tanh", "4:elu", "3:identity", NULL}, TARGETS_CLASSES},
    {"cross_entropy",
     {"5:gelu", "4:softplus", "3:identity", NULL},
     TARGETS_ONE_HOT},
    {"cross_entropy(label_smoothing=0.1)",
     {"5:sigmoid", "4:tanh", "3:identity", NULL},
     TARGETS_CLASSES},
    {"nll", {"5:gelu", "4:sigmoid", "3:log_softmax", NULL}, TARGETS_CLASSES},
};

static void test_network_gradients_match_central_differences(void **state) {
  (void)state;
  for (size_t c = 0; c < G_N_ELEMENTS(gradcheck_cases); c++) {
    problem p;
    problem_init(&p, &gradcheck_cases[c], 17 + c);
    g_autofree float *grads = analytic_gradients(&p);
    size_t n = nnlab_model_n_params(p.model);
    /* Not a vacuous check: most gradients are clearly non-zero. */
    size_t nonzero = 0;
    for (size_t i = 0; i < n; i++) nonzero += fabsf(grads[i]) > 1e-5f;
    if (nonzero < n * 3 / 4)
      fail_msg("case %zu (%s): only %zu of %zu gradients are non-zero", c,
               gradcheck_cases[c].loss, nonzero, n);
    char message[256] = "";
    if (!compare_with_numeric(&p, grads, message, sizeof message))
      fail_msg("case %zu (%s, %s ...): %s", c, gradcheck_cases[c].loss,
               gradcheck_cases[c].layers[0], message);
    problem_clear(&p);
  }
}

/* The comparison above catches a gradient that is 1% off. */
static void test_gradient_check_detects_a_perturbed_gradient(void **state) {
  (void)state;
  for (size_t c = 0; c < G_N_ELEMENTS(gradcheck_cases); c++) {
    problem p;
    problem_init(&p, &gradcheck_cases[c], 17 + c);
    g_autofree float *grads = analytic_gradients(&p);
    size_t n = nnlab_model_n_params(p.model), largest = 0;
    for (size_t i = 1; i < n; i++)
      if (fabsf(grads[i]) > fabsf(grads[largest])) largest = i;
    grads[largest] *= 1.01f;
    char message[256] = "";
    if (compare_with_numeric(&p, grads, message, sizeof message))
      fail_msg("case %zu (%s): gradient %zu scaled by 1.01 went unnoticed", c,
               gradcheck_cases[c].loss, largest);
    g_autofree char *expected = g_strdup_printf("parameter %zu of", largest);
    assert_contains(message, expected);
    problem_clear(&p);
  }
}

/* ---- Flat buffers ---------------------------------------------------------
 */

static void test_parameters_are_one_flat_buffer_in_layer_order(void **state) {
  (void)state;
  nnlab_model *model =
      new_model(3, (const char *[]){"5:tanh", "4:elu", "2:identity", NULL});
  assert_int_equal(nnlab_model_n_inputs(model), 3);
  assert_int_equal(nnlab_model_n_outputs(model), 2);
  assert_int_equal(nnlab_model_n_layers(model), 3);
  assert_int_equal(nnlab_model_n_params(model),
                   (3 * 5 + 5) + (5 * 4 + 4) + (4 * 2 + 2));
  assert_string_equal(nnlab_model_layer_activation(model, 1)->info->name,
                      "elu");
  static const size_t fan_in[] = {3, 5, 4}, units[] = {5, 4, 2};
  float *params = nnlab_model_params(model), *expected = params;
  for (size_t l = 0; l < 3; l++) {
    assert_int_equal(nnlab_model_layer_units(model, l), units[l]);
    assert_ptr_equal(nnlab_model_layer_weights(model, l), expected);
    expected += fan_in[l] * units[l];
    assert_ptr_equal(nnlab_model_layer_bias(model, l), expected);
    expected += units[l];
  }
  assert_ptr_equal(expected, params + nnlab_model_n_params(model));
  assert_ptr_not_equal(nnlab_model_grads(model), params);
  nnlab_model_free(model);
}

/* Weights are inputs x units, row-major: output j of a row is
 * b[j] + sum_i x[i] * w[i * units + j]. */
static void test_forward_uses_documented_weight_layout(void **state) {
  (void)state;
  nnlab_model *model = new_model(3, (const char *[]){"2:identity", NULL});
  float *w = nnlab_model_layer_weights(model, 0);
  float *b = nnlab_model_layer_bias(model, 0);
  for (size_t i = 0; i < 6; i++) w[i] = (float)(i + 1); /* 1 2 / 3 4 / 5 6 */
  b[0] = 0.5f;
  b[1] = -1.0f;
  const float x[] = {1, 0, 0, 0, 1, 2, 1, 1, 1};
  GError *error = NULL;
  const float *y = nnlab_model_forward(model, x, 3, &error);
  assert_non_null(y);
  const float expected[] = {1.5f, 1.0f, 13.5f, 15.0f, 9.5f, 11.0f};
  for (size_t i = 0; i < 6; i++) assert_true(y[i] == expected[i]);
  nnlab_model_free(model);
}

static void test_backward_overwrites_gradients(void **state) {
  (void)state;
  problem p;
  problem_init(&p, &gradcheck_cases[0], 5);
  size_t n = nnlab_model_n_params(p.model);
  float *grads = nnlab_model_grads(p.model);
  for (size_t i = 0; i < n; i++) grads[i] = NAN; /* must not be read */
  g_autofree float *first = analytic_gradients(&p);
  assert_true(all_finite(first, n));
  g_autofree float *second = analytic_gradients(&p);
  assert_memory_equal(first, second, n * sizeof(float));
  /* A different batch size in between does not leave stale rows behind. */
  GError *error = NULL;
  assert_non_null(nnlab_model_forward(p.model, p.x, 2, &error));
  float dpred[4] = {1, 1, 1, 1};
  assert_true(nnlab_model_backward(p.model, p.x, dpred, &error));
  g_autofree float *third = analytic_gradients(&p);
  assert_memory_equal(first, third, n * sizeof(float));
  problem_clear(&p);
}

/* ---- Initialization -------------------------------------------------------
 */

static float *init_copy(nnlab_model *model, nnlab_init_scheme scheme,
                        double scale, uint64_t seed) {
  nnlab_rng rng;
  nnlab_rng_seed(&rng, seed);
  nnlab_model_init(model, scheme, scale, &rng);
  return g_memdup2(nnlab_model_params(model),
                   nnlab_model_n_params(model) * sizeof(float));
}

static void test_init_is_reproducible_per_seed(void **state) {
  (void)state;
  nnlab_model *model =
      new_model(4, (const char *[]){"8:tanh", "3:identity", NULL});
  size_t bytes = nnlab_model_n_params(model) * sizeof(float);
  for (nnlab_init_scheme s = NNLAB_INIT_UNIFORM; s <= NNLAB_INIT_HE_NORMAL;
       s++) {
    g_autofree float *a = init_copy(model, s, 0.1, 42);
    g_autofree float *b = init_copy(model, s, 0.1, 42);
    g_autofree float *c = init_copy(model, s, 0.1, 43);
    assert_memory_equal(a, b, bytes);
    assert_memory_not_equal(a, c, bytes);
  }
  nnlab_model_free(model);
}

static void test_zeros_init_clears_everything(void **state) {
  (void)state;
  nnlab_model *model =
      new_model(4, (const char *[]){"8:tanh", "3:identity", NULL});
  size_t n = nnlab_model_n_params(model);
  float *params = nnlab_model_params(model);
  for (size_t i = 0; i < n; i++) params[i] = 1.0f;
  nnlab_rng rng;
  nnlab_rng_seed(&rng, 1);
  nnlab_model_init(model, NNLAB_INIT_ZEROS, 1.0, &rng);
  for (size_t i = 0; i < n; i++) assert_true(params[i] == 0.0f);
  nnlab_model_free(model);
}

typedef struct weight_stats {
  double max_abs, mean, variance;
} weight_stats;

static weight_stats layer_stats(nnlab_model *model, size_t layer,
                                size_t fan_in) {
  const float *w = nnlab_model_layer_weights(model, layer);
  size_t n = fan_in * nnlab_model_layer_units(model, layer);
  weight_stats s = {0, 0, 0};
  for (size_t i = 0; i < n; i++) {
    s.max_abs = fmax(s.max_abs, fabsf(w[i]));
    s.mean += w[i];
    s.variance += (double)w[i] * w[i];
  }
  s.mean /= (double)n;
  s.variance = s.variance / (double)n - s.mean * s.mean;
  return s;
}

/* A 256-256-64 network: 65536 weights in the first layer and 16384 in the
 * second, whose fans differ, so per-layer fans are checked too. */
static void test_init_schemes_have_documented_bounds_and_variance(
    void **state) {
  (void)state;
  nnlab_model *model =
      new_model(256, (const char *[]){"256:tanh", "64:identity", NULL});
  const double fans[2][2] = {{256, 256}, {256, 64}}; /* fan_in, fan_out */
  static const struct {
    nnlab_init_scheme scheme;
    double scale;
  } cases[] = {
      {NNLAB_INIT_UNIFORM, 0.2},      {NNLAB_INIT_NORMAL, 0.05},
      {NNLAB_INIT_XAVIER_UNIFORM, 0}, {NNLAB_INIT_XAVIER_NORMAL, 0},
      {NNLAB_INIT_HE_UNIFORM, 0},     {NNLAB_INIT_HE_NORMAL, 0},
  };
  for (size_t c = 0; c < G_N_ELEMENTS(cases); c++) {
    float *params = nnlab_model_params(model);
    for (size_t i = 0; i < nnlab_model_n_params(model); i++) params[i] = 1.0f;
    nnlab_rng rng;
    nnlab_rng_seed(&rng, 100 + c);
    nnlab_model_init(model, cases[c].scheme, cases[c].scale, &rng);
    for (size_t l = 0; l < 2; l++) {
      double fan_in = fans[l][0], fan_out = fans[l][1];
      double bound = 0, variance = 0;
      switch (cases[c].scheme) {
        case NNLAB_INIT_UNIFORM:
          bound = cases[c].scale;
          break;
        case NNLAB_INIT_NORMAL:
          variance = cases[c].scale * cases[c].scale;
          break;
        case NNLAB_INIT_XAVIER_UNIFORM:
          bound = sqrt(6.0 / (fan_in + fan_out));
          break;
        case NNLAB_INIT_XAVIER_NORMAL:
          variance = 2.0 / (fan_in + fan_out);
          break;
        case NNLAB_INIT_HE_UNIFORM:
          bound = sqrt(6.0 / fan_in);
          break;
        case NNLAB_INIT_HE_NORMAL:
          variance = 2.0 / fan_in;
          break;
        default:
          fail();
      }
      weight_stats s = layer_stats(model, l, (size_t)fan_in);
      const char *name = nnlab_init_scheme_name(cases[c].scheme);
      if (bound > 0) {
        variance = bound * bound / 3.0;
        if (s.max_abs > bound)
          fail_msg("%s layer %zu: |w| = %g exceeds the bound %g", name, l,
                   s.max_abs, bound);
        if (s.max_abs < 0.99 * bound)
          fail_msg("%s layer %zu: largest |w| = %g, bound %g", name, l,
                   s.max_abs, bound);
      } else {
        /* A normal reaches beyond 3 standard deviations. */
        assert_true(s.max_abs > 3.0 * sqrt(variance));
      }
      /* Relative standard error of the variance is <= 1.1% at 16384
       * samples. */
      if (fabs(s.variance / variance - 1.0) > 0.05)
        fail_msg("%s layer %zu: variance %g, expected %g", name, l, s.variance,
                 variance);
      assert_near(s.mean, 0.0, 4.0 * sqrt(variance / 16384.0));
      const float *b = nnlab_model_layer_bias(model, l);
      for (size_t j = 0; j < nnlab_model_layer_units(model, l); j++)
        assert_true(b[j] == 0.0f);
    }
  }
  nnlab_model_free(model);
}

static void test_init_scheme_names(void **state) {
  (void)state;
  static const struct {
    const char *name;
    nnlab_init_scheme scheme;
  } names[] = {
      {"zeros", NNLAB_INIT_ZEROS},
      {"uniform", NNLAB_INIT_UNIFORM},
      {"normal", NNLAB_INIT_NORMAL},
      {"xavier_uniform", NNLAB_INIT_XAVIER_UNIFORM},
      {"xavier_normal", NNLAB_INIT_XAVIER_NORMAL},
      {"he_uniform", NNLAB_INIT_HE_UNIFORM},
      {"he_normal", NNLAB_INIT_HE_NORMAL},
      {"kaiming_uniform", NNLAB_INIT_HE_UNIFORM},
      {"kaiming_normal", NNLAB_INIT_HE_NORMAL},
  };
  for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
    nnlab_init_scheme scheme = NNLAB_INIT_ZEROS;
    if (!nnlab_init_scheme_from_name(names[i].name, &scheme))
      fail_msg("'%s' not accepted", names[i].name);
    assert_int_equal(scheme, names[i].scheme);
    if (!g_str_has_prefix(names[i].name, "kaiming_"))
      assert_string_equal(nnlab_init_scheme_name(scheme), names[i].name);
  }
  static const char *const unknown[] = {"glorot", "kaiming_", "kaiming_zeros",
                                        "he",     "",         "Zeros"};
  for (size_t i = 0; i < G_N_ELEMENTS(unknown); i++) {
    nnlab_init_scheme scheme = NNLAB_INIT_NORMAL;
    if (nnlab_init_scheme_from_name(unknown[i], &scheme))
      fail_msg("'%s' accepted", unknown[i]);
  }
  assert_null(nnlab_init_scheme_name((nnlab_init_scheme)99));
}

/* ---- Standardization ------------------------------------------------------
 */

static void test_predict_standardizes_inputs(void **state) {
  (void)state;
  nnlab_model *model =
      new_model(2, (const char *[]){"3:tanh", "1:identity", NULL});
  init_model(model, 3);
  const float mean[] = {10.0f, -2.0f}, std[] = {4.0f, 0.5f};
  GError *error = NULL;
  assert_null(nnlab_model_standardization_mean(model));
  assert_true(nnlab_model_set_standardization(model, mean, std, &error));
  assert_memory_equal(nnlab_model_standardization_mean(model), mean,
                      sizeof mean);
  assert_memory_equal(nnlab_model_standardization_std(model), std, sizeof std);
  const float x[] = {14.0f, -1.5f, 6.0f, -2.0f, 10.0f, -3.0f};
  float standardized[6], by_hand[] = {1.0f, 1.0f, -1.0f, 0.0f, 0.0f, -2.0f};
  nnlab_model_standardize(model, x, 3, standardized);
  assert_memory_equal(standardized, by_hand, sizeof by_hand);
  float predicted[3];
  assert_true(nnlab_model_predict(model, x, 3, predicted, &error));
  const float *forward = nnlab_model_forward(model, by_hand, 3, &error);
  assert_memory_equal(predicted, forward, sizeof predicted);
  /* NULL clears it: predict then takes the inputs as they are. */
  assert_true(nnlab_model_set_standardization(model, NULL, NULL, &error));
  assert_null(nnlab_model_standardization_std(model));
  assert_true(nnlab_model_predict(model, by_hand, 3, predicted, &error));
  forward = nnlab_model_forward(model, by_hand, 3, &error);
  assert_memory_equal(predicted, forward, sizeof predicted);
  nnlab_model_free(model);
}

static void test_standardization_rejects_bad_deviations(void **state) {
  (void)state;
  nnlab_model *model = new_model(2, (const char *[]){"1:identity", NULL});
  const float mean[] = {1.0f, 2.0f}, std[] = {3.0f, 4.0f};
  GError *error = NULL;
  assert_true(nnlab_model_set_standardization(model, mean, std, &error));
  const float bad[][2][2] = {
      {{0, 0}, {1.0f, 0.0f}},   {{0, 0}, {-1.0f, 1.0f}},
      {{0, 0}, {1.0f, NAN}},    {{0, 0}, {INFINITY, 1.0f}},
      {{NAN, 0}, {1.0f, 1.0f}}, {{0, INFINITY}, {1.0f, 1.0f}},
  };
  for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
    assert_false(
        nnlab_model_set_standardization(model, bad[i][0], bad[i][1], &error));
    assert_non_null(error);
    assert_int_equal(error->code, NNLAB_ERROR_INVALID);
    assert_contains(error->message, "std");
    g_clear_error(&error);
    /* A rejected call leaves the standardization as it was. */
    assert_non_null(nnlab_model_standardization_mean(model));
    assert_memory_equal(nnlab_model_standardization_mean(model), mean,
                        sizeof mean);
    assert_memory_equal(nnlab_model_standardization_std(model), std,
                        sizeof std);
  }
  nnlab_model_free(model);
}

/* predict works through 512 rows at a time; 1300 rows take three
 * batches, the last one partial. */
static void test_predict_in_batches_equals_one_forward_pass(void **state) {
  (void)state;
  enum { ROWS = 1300, D = 3, K = 2 };
  nnlab_model *model =
      new_model(D, (const char *[]){"6:tanh", "2:identity", NULL});
  init_model(model, 8);
  const float mean[] = {1.0f, -1.0f, 0.5f}, std[] = {2.0f, 0.25f, 1.0f};
  GError *error = NULL;
  assert_true(nnlab_model_set_standardization(model, mean, std, &error));
  g_autofree float *x = g_new(float, ROWS *D);
  g_autofree float *standardized = g_new(float, ROWS *D);
  nnlab_rng rng;
  nnlab_rng_seed(&rng, 2);
  for (size_t i = 0; i < ROWS * D; i++) {
    x[i] = (float)(4.0 * nnlab_rng_uniform(&rng) - 2.0);
    standardized[i] = (x[i] - mean[i % D]) / std[i % D];
  }
  g_autofree float *predicted = g_new(float, ROWS *K);
  assert_true(nnlab_model_predict(model, x, ROWS, predicted, &error));
  const float *forward = nnlab_model_forward(model, standardized, ROWS, &error);
  assert_non_null(forward);
  assert_memory_equal(predicted, forward, ROWS * K * sizeof(float));
  /* And again after the workspaces grew for 1300 rows. */
  g_autofree float *again = g_new(float, ROWS *K);
  assert_true(nnlab_model_predict(model, x, ROWS, again, &error));
  assert_memory_equal(predicted, again, ROWS * K * sizeof(float));
  nnlab_model_free(model);
}

/* ---- Layer specs ----------------------------------------------------------
 */

static GError *model_error(size_t n_inputs, const char *const *layers) {
  GError *error = NULL;
  nnlab_model *model =
      nnlab_model_new(test_registry(), n_inputs, layers, &error);
  if (model) fail_msg("model accepted");
  assert_non_null(error);
  return error;
}

static void test_bad_layer_specs_are_rejected(void **state) {
  (void)state;
  static const char *const malformed[] = {
      "0:relu", "abc", "16", ":relu", "-3:relu", "1e3:relu", "16x:relu"};
  for (size_t i = 0; i < G_N_ELEMENTS(malformed); i++) {
    g_autoptr(GError) error =
        model_error(2, (const char *[]){"4:tanh", malformed[i], NULL});
    assert_int_equal(error->code, NNLAB_ERROR_INVALID);
    assert_contains(error->message, malformed[i]);
    assert_contains(error->message, "UNITS:ACTIVATION");
  }
  g_autoptr(GError) unknown =
      model_error(2, (const char *[]){"16:nosuch", NULL});
  assert_int_equal(unknown->code, NNLAB_ERROR_NOT_FOUND);
  assert_contains(unknown->message, "'nosuch'");
  g_autoptr(GError) typo =
      model_error(2, (const char *[]){"8:relu", "16:sigmiod", NULL});
  assert_contains(typo->message, "did you mean 'sigmoid'?");
  g_autoptr(GError) bad_key = model_error(
      2, (const char *[]){"16:leaky_relu(negative_slop=0.1)", NULL});
  assert_contains(bad_key->message, "negative_slope");
  g_autoptr(GError) no_layers = model_error(2, (const char *[]){NULL});
  assert_int_equal(no_layers->code, NNLAB_ERROR_INVALID);
  g_autoptr(GError) no_inputs =
      model_error(0, (const char *[]){"1:relu", NULL});
  assert_int_equal(no_inputs->code, NNLAB_ERROR_INVALID);

  /* Hyperparameters in a spec reach the activation. */
  GError *error = NULL;
  nnlab_model *model =
      nnlab_model_new(test_registry(), 2,
                      (const char *[]){"16:leaky_relu(negative_slope=0.25)",
                                       "1:identity", NULL},
                      &error);
  assert_non_null(model);
  g_autofree char *spec =
      nnlab_component_format(nnlab_model_layer_activation(model, 0));
  assert_string_equal(spec, "leaky_relu(negative_slope=0.25)");
  nnlab_model_free(model);
}

/* Sizes a spec cannot name: no units, or more parameters than a size_t
 * counts. The layers built before the bad one are freed. */
static void test_layer_sizes_out_of_range_are_rejected(void **state) {
  (void)state;
  nnlab_component relu[2] = {{0}};
  GError *error = NULL;
  for (size_t i = 0; i < 2; i++)
    if (!nnlab_component_resolve(test_registry(), NNLAB_KIND_ACTIVATION, "relu",
                                 &relu[i], &error))
      fail_msg("%s", error->message);
  static const size_t bad[] = {0, SIZE_MAX / 2, SIZE_MAX};
  for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
    g_autoptr(GError) rejected = NULL;
    assert_null(nnlab_model_new_from_components(3, (const size_t[]){4, bad[i]},
                                                relu, 2, &rejected));
    assert_int_equal(rejected->code, NNLAB_ERROR_INVALID);
    g_autofree char *expected =
        g_strdup_printf("layer 2: %zu units is not a valid size", bad[i]);
    assert_string_equal(rejected->message, expected);
  }
  for (size_t i = 0; i < 2; i++) nnlab_component_clear(&relu[i]);
}

/* A layer list builds what the UNITS:ACTIVATION specs build: the same
 * layers, the same parameters, the same outputs. */
static void test_layer_list_builds_the_same_network(void **state) {
  (void)state;
  GError *error = NULL;
  nnlab_model *listed = nnlab_model_new_from_layers(
      test_registry(), 3,
      "dense(5), leaky_relu(negative_slope=0.25), dense(units=4), dense(2), "
      "softmax",
      &error);
  if (!listed) fail_msg("%s", error->message);
  nnlab_model *specs =
      new_model(3, (const char *[]){"5:leaky_relu(negative_slope=0.25)",
                                    "4:identity", "2:softmax", NULL});
  assert_int_equal(nnlab_model_n_layers(listed), 3);
  assert_int_equal(nnlab_model_n_params(listed), nnlab_model_n_params(specs));
  for (size_t l = 0; l < 3; l++) {
    assert_int_equal(nnlab_model_layer_units(listed, l),
                     nnlab_model_layer_units(specs, l));
    g_autofree char *a =
        nnlab_component_format(nnlab_model_layer_activation(listed, l));
    g_autofree char *b =
        nnlab_component_format(nnlab_model_layer_activation(specs, l));
    assert_string_equal(a, b);
  }
  nnlab_rng rng_a, rng_b;
  nnlab_rng_seed(&rng_a, 9);
  nnlab_rng_seed(&rng_b, 9);
  nnlab_model_init(listed, NNLAB_INIT_XAVIER_UNIFORM, 0, &rng_a);
  nnlab_model_init(specs, NNLAB_INIT_XAVIER_UNIFORM, 0, &rng_b);
  const float x[6] = {0.5f, -1, 2, 0.25f, 0, -0.75f};
  const float *ya = nnlab_model_forward(listed, x, 2, &error);
  assert_non_null(ya);
  g_autofree float *copy = g_memdup2(ya, 4 * sizeof(float));
  const float *yb = nnlab_model_forward(specs, x, 2, &error);
  assert_memory_equal(copy, yb, 4 * sizeof(float));
  nnlab_model_free(listed);
  nnlab_model_free(specs);
}

/* Every malformed list is one error naming the item and what was
 * expected. */
static void test_bad_layer_lists_are_rejected(void **state) {
  (void)state;
  static const struct {
    const char *layers, *message;
  } bad[] = {
      {"", "layers: give at least the output layer"},
      {"relu, dense(2)",
       "layers: item 1, 'relu': an activation needs a "
       "dense layer before it"},
      {"dense(4), relu, tanh",
       "layers: item 3, 'tanh': a dense layer takes "
       "one activation after it"},
      {"dense(0)", "layers: item 1, 'dense(0)': expected dense(UNITS)"},
      {"dense(x)", "layers: item 1, 'dense(x)': expected dense(UNITS)"},
      {"dense(16777217)", "expected dense(UNITS) with UNITS from 1 to"},
      {"dense(4), relu), dense(1)",
       "layers: unbalanced brackets in 'dense(4), relu), dense(1)'"},
      {"dense(4), dropout(p=0.2), dense(1)",
       "layers: item 2, 'dropout(p=0.2)': no activation plugin named "
       "'dropout'"},
  };
  for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
    g_autoptr(GError) error = NULL;
    assert_null(
        nnlab_model_new_from_layers(test_registry(), 2, bad[i].layers, &error));
    assert_non_null(error);
    assert_contains(error->message, bad[i].message);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_network_gradients_match_central_differences),
      cmocka_unit_test(test_layer_list_builds_the_same_network),
      cmocka_unit_test(test_bad_layer_lists_are_rejected),
      cmocka_unit_test(test_gradient_check_detects_a_perturbed_gradient),
      cmocka_unit_test(test_parameters_are_one_flat_buffer_in_layer_order),
      cmocka_unit_test(test_forward_uses_documented_weight_layout),
      cmocka_unit_test(test_backward_overwrites_gradients),
      cmocka_unit_test(test_init_is_reproducible_per_seed),
      cmocka_unit_test(test_zeros_init_clears_everything),
      cmocka_unit_test(test_init_schemes_have_documented_bounds_and_variance),
      cmocka_unit_test(test_init_scheme_names),
      cmocka_unit_test(test_predict_standardizes_inputs),
      cmocka_unit_test(test_standardization_rejects_bad_deviations),
      cmocka_unit_test(test_predict_in_batches_equals_one_forward_pass),
      cmocka_unit_test(test_bad_layer_specs_are_rejected),
      cmocka_unit_test(test_layer_sizes_out_of_range_are_rejected),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
