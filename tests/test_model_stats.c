/* Looking inside a network: value statistics against hand-computed
 * answers, per-layer statistics, dead and saturated units on data with
 * hand-set weights (through the standardization), hints, and the best
 * epoch of a history. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include <nnlab/nnlab.h>

#include "support/plugins.h"

#define assert_near(actual, expected)                                      \
  do {                                                                     \
    double actual_ = (actual), expected_ = (expected);                     \
    if (!(fabs(actual_ - expected_) <= 1e-12 * (1 + fabs(expected_))))     \
      fail_msg("%s = %.17g, expected %.17g", #actual, actual_, expected_); \
  } while (0)

static nnlab_model *new_model(size_t n_inputs, const char *const *layers) {
  GError *error = NULL;
  nnlab_model *model =
      nnlab_model_new(test_registry(), n_inputs, layers, &error);
  if (!model) fail_msg("%s", error->message);
  return model;
}

static gboolean has_hint(char **hints, const char *part) {
  for (size_t i = 0; hints[i]; i++)
    if (strstr(hints[i], part)) return TRUE;
  return FALSE;
}

static void test_value_stats_known_answer(void **state) {
  (void)state;
  const float values[] = {1, -2, 0, 3, NAN, INFINITY, -0.0f};
  nnlab_value_stats s;
  nnlab_value_stats_compute(values, G_N_ELEMENTS(values), &s);
  assert_int_equal(s.count, 7);
  assert_int_equal(s.nonfinite, 2);
  assert_int_equal(s.zeros, 2); /* 0 and -0 */
  /* The finite values 1, -2, 0, 3, 0: mean 0.4, squared deviations
   * 0.36 + 5.76 + 0.16 + 6.76 + 0.16 = 13.2 over 5. */
  assert_near(s.mean, 0.4);
  assert_near(s.std, sqrt(13.2 / 5));
  assert_near(s.min, -2);
  assert_near(s.max, 3);
  assert_near(s.l2_norm, sqrt(14));
  assert_near(nnlab_value_stats_zero_fraction(&s), 2.0 / 7);

  nnlab_value_stats_compute(values + 4, 2, &s); /* only NaN and Inf */
  assert_int_equal(s.nonfinite, 2);
  assert_true(s.mean == 0 && s.std == 0 && s.l2_norm == 0);
  nnlab_value_stats_compute(NULL, 0, &s);
  assert_near(nnlab_value_stats_zero_fraction(&s), 0);
}

static void test_layer_stats_cover_every_layer(void **state) {
  (void)state;
  nnlab_model *model =
      new_model(3, (const char *const[]){"4:relu", "2:identity", NULL});
  float *params = nnlab_model_params(model);
  for (size_t i = 0; i < nnlab_model_n_params(model); i++) params[i] = (float)i;
  nnlab_layer_stats *stats = nnlab_model_layer_stats(model);
  assert_int_equal(stats[0].inputs, 3);
  assert_int_equal(stats[0].units, 4);
  assert_int_equal(stats[0].n_params, 16);
  assert_int_equal(stats[0].weights.count, 12);
  assert_near(stats[0].weights.mean, 5.5); /* 0 .. 11 */
  assert_near(stats[0].bias.min, 12);
  assert_near(stats[0].bias.max, 15);
  assert_int_equal(stats[0].weights.zeros, 1);
  assert_int_equal(stats[1].inputs, 4);
  assert_int_equal(stats[1].n_params, 10);
  assert_near(stats[1].weights.min, 16);
  assert_near(stats[1].bias.max, 25);
  g_free(stats);
  nnlab_model_free(model);
}

/* 2 inputs -> 3 relu -> 1 identity. Unit 1 sees x0 - 10 (dead on the
 * rows below), unit 2 x1 (alive), unit 3 -x0 - x1 - 1 (dead). */
static void test_dead_relu_units_are_counted(void **state) {
  (void)state;
  nnlab_model *model =
      new_model(2, (const char *const[]){"3:relu", "1:identity", NULL});
  float *w = nnlab_model_layer_weights(model, 0); /* inputs x units */
  float *b = nnlab_model_layer_bias(model, 0);
  const float weights[6] = {1, 0, -1, 0, 1, -1};
  const float biases[3] = {-10, 0, -1};
  memcpy(w, weights, sizeof weights);
  memcpy(b, biases, sizeof biases);
  const float x[] = {1, 2, 3, 0.5f, 0, 1, 9, 4};
  GError *error = NULL;
  nnlab_unit_health *health = nnlab_model_unit_health(model, x, 4, &error);
  assert_non_null(health);
  assert_int_equal(health[0].kind, NNLAB_UNITS_RECTIFIER);
  assert_int_equal(health[0].units, 3);
  assert_int_equal(health[0].rows, 4);
  assert_int_equal(health[0].dead_units, 2);
  assert_int_equal(health[1].kind, NNLAB_UNITS_OTHER);
  assert_int_equal(health[1].dead_units, 0);
  nnlab_layer_stats *stats = nnlab_model_layer_stats(model);
  char **hints = nnlab_model_hints(model, stats, health);
  assert_true(has_hint(hints, "layer 1: 2 of 3 relu units (66.7%) are dead"));
  g_strfreev(hints);

  /* The standardization applies: with mean -20 for x0 the network sees
   * x0 + 20, which brings unit 1 to life (unit 3 stays dead). */
  const float mean[2] = {-20, 0}, std[2] = {1, 1};
  assert_true(nnlab_model_set_standardization(model, mean, std, NULL));
  g_free(health);
  health = nnlab_model_unit_health(model, x, 4, &error);
  assert_int_equal(health[0].dead_units, 1);

  assert_null(nnlab_model_unit_health(model, x, 0, &error));
  assert_non_null(error);
  g_clear_error(&error);
  g_free(health);
  g_free(stats);
  nnlab_model_free(model);
}

/* 1 input -> 2 tanh -> 2 sigmoid -> 1 identity: tanh unit 1 has weight
 * 100 (saturated on every row), unit 2 weight 0.001 (never). */
static void test_saturated_units_are_counted(void **state) {
  (void)state;
  nnlab_model *model = new_model(
      1, (const char *const[]){"2:tanh", "2:sigmoid", "1:identity", NULL});
  float *params = nnlab_model_params(model);
  memset(params, 0, nnlab_model_n_params(model) * sizeof(float));
  nnlab_model_layer_weights(model, 0)[0] = 100;
  nnlab_model_layer_weights(model, 0)[1] = 0.001f;
  /* Sigmoid layer: unit 1 gets bias 10 (saturated), unit 2 bias 0. */
  nnlab_model_layer_bias(model, 1)[0] = 10;
  const float x[] = {1, -1, 0.5f};
  nnlab_unit_health *health = nnlab_model_unit_health(model, x, 3, NULL);
  assert_int_equal(health[0].kind, NNLAB_UNITS_SATURATING);
  assert_int_equal(health[0].saturated_outputs, 3);
  assert_int_equal(health[1].saturated_outputs, 3);
  nnlab_layer_stats *stats = nnlab_model_layer_stats(model);
  char **hints = nnlab_model_hints(model, stats, health);
  assert_true(
      has_hint(hints, "layer 1: 50% of the tanh outputs are saturated"));
  assert_true(
      has_hint(hints, "layer 2: 50% of the sigmoid outputs are saturated"));
  /* Most weights were set to zero above. */
  assert_true(has_hint(hints, "layer 2: all 4 weights are exactly zero"));
  g_strfreev(hints);
  g_free(stats);
  g_free(health);
  nnlab_model_free(model);
}

/* The kind of units follows the failure an activation declares, not its
 * name: a plugin named relu that declares nothing is not counted, and one
 * of any name that declares a failure is. */
static void test_unit_kind_follows_the_declared_failure(void **state) {
  (void)state;
  nnlab_plugin_info info = {.kind = NNLAB_KIND_ACTIVATION, .name = "relu"};
  nnlab_component activation = {.info = &info};
  assert_int_equal(nnlab_activation_unit_kind(&activation), NNLAB_UNITS_OTHER);
  info.name = "my_rectifier";
  info.activation_properties.failure = NNLAB_UNIT_FAILURE_DIES;
  assert_int_equal(nnlab_activation_unit_kind(&activation),
                   NNLAB_UNITS_RECTIFIER);
  info.activation_properties.failure = NNLAB_UNIT_FAILURE_SATURATES;
  assert_int_equal(nnlab_activation_unit_kind(&activation),
                   NNLAB_UNITS_SATURATING);
  info.activation_properties.failure = NNLAB_UNIT_FAILURE_NONE;
  assert_int_equal(nnlab_activation_unit_kind(&activation), NNLAB_UNITS_OTHER);
}

static void test_hints_on_weights(void **state) {
  (void)state;
  nnlab_model *model =
      new_model(4, (const char *const[]){"5:relu", "1:identity", NULL});
  float *w = nnlab_model_layer_weights(model, 0);
  for (size_t i = 0; i < 20; i++) w[i] = i % 5 < 2 ? 0.0f : 0.5f; /* 40% */
  float *out = nnlab_model_layer_weights(model, 1);
  for (size_t i = 0; i < 5; i++) out[i] = 1;
  out[2] = 250;
  nnlab_model_layer_bias(model, 1)[0] = NAN;
  nnlab_layer_stats *stats = nnlab_model_layer_stats(model);
  char **hints = nnlab_model_hints(model, stats, NULL);
  assert_true(has_hint(hints,
                       "layer 1: 40% of the weights are exactly zero "
                       "(8 of 20)"));
  assert_true(has_hint(hints, "layer 2: weights reach 250 in magnitude"));
  assert_true(has_hint(hints, "layer 2: 1 of the 1 biases are NaN or Inf"));
  assert_int_equal(g_strv_length(hints), 3);
  g_strfreev(hints);

  /* A healthy layer says nothing; zero biases are normal. */
  for (size_t i = 0; i < 20; i++) w[i] = 0.25f;
  for (size_t i = 0; i < 5; i++) out[i] = 1;
  nnlab_model_layer_bias(model, 1)[0] = 0;
  g_free(stats);
  stats = nnlab_model_layer_stats(model);
  hints = nnlab_model_hints(model, stats, NULL);
  assert_null(hints[0]);
  g_strfreev(hints);
  g_free(stats);
  nnlab_model_free(model);
}

static nnlab_epoch_record record(size_t epoch, double train, double val) {
  nnlab_epoch_record r = {.epoch = epoch};
  r.train.loss = train;
  r.val.loss = val;
  return r;
}

static void test_best_epoch_prefers_validation_loss(void **state) {
  (void)state;
  nnlab_epoch_record with_val[] = {record(1, 3, 2.5), record(2, 2, 1.5),
                                   record(3, 1, 1.7), record(4, 0.5, NAN)};
  size_t index = 99;
  gboolean by_val = FALSE;
  assert_true(nnlab_history_best(with_val, 4, &index, &by_val));
  assert_int_equal(index, 1);
  assert_true(by_val);
  nnlab_epoch_record train_only[] = {record(1, 3, NAN), record(2, 2, NAN),
                                     record(3, NAN, NAN), record(4, 2.5, NAN)};
  assert_true(nnlab_history_best(train_only, 4, &index, &by_val));
  assert_int_equal(index, 1);
  assert_false(by_val);
  assert_false(nnlab_history_best(train_only + 2, 1, &index, &by_val));
  assert_false(nnlab_history_best(NULL, 0, &index, &by_val));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_value_stats_known_answer),
      cmocka_unit_test(test_layer_stats_cover_every_layer),
      cmocka_unit_test(test_dead_relu_units_are_counted),
      cmocka_unit_test(test_saturated_units_are_counted),
      cmocka_unit_test(test_unit_kind_follows_the_declared_failure),
      cmocka_unit_test(test_hints_on_weights),
      cmocka_unit_test(test_best_epoch_prefers_validation_loss),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
