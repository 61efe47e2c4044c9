/* Run configs: what a user sees for mistakes in an INI file (the message
 * names the line or --set key, and suggests the nearest name). Configs are
 * parsed from text in memory; nothing is loaded or trained, and the only
 * models built are a few units wide. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include <nnlab/nnlab.h>

#include "support/plugins.h"

static const char *const valid_text =
    "[data]\n"                                            /* 1 */
    "path = data.h5\n"                                    /* 2 */
    "val_fraction = 0.2\n"                                /* 3 */
    "\n"                                                  /* 4 */
    "[model]\n"                                           /* 5 */
    "hidden = 8, 4\n"                                     /* 6 */
    "activation = leaky_relu(negative_slope=0.2), tanh\n" /* 7 */
    "seed = 3\n"                                          /* 8 */
    "\n"                                                  /* 9 */
    "[training]\n"                                        /* 10 */
    "epochs = 5\n"                                        /* 11 */
    "batch_size = full\n"                                 /* 12 */
    "loss = huber(delta=2)\n"                             /* 13 */
    "\n"                                                  /* 14 */
    "[optimizer]\n"                                       /* 15 */
    "name = adam\n"                                       /* 16 */
    "lr = 0.01\n"                                         /* 17 */
    "betas = 0.8, 0.9\n";                                 /* 18 */

/* valid_text with one line replaced (1-based), or with text appended. */
static char *edited(int line, const char *replacement) {
  g_auto(GStrv) lines = g_strsplit(valid_text, "\n", -1);
  GString *out = g_string_new(NULL);
  for (int i = 0; lines[i]; i++) {
    if (!lines[i][0] && !lines[i + 1]) break;
    g_string_append_printf(out, "%s\n", i + 1 == line ? replacement : lines[i]);
  }
  return g_string_free(out, FALSE);
}

static void expect_error(const char *text, const char *const *overrides,
                         const char *part) {
  GError *error = NULL;
  nnlab_run_config *config = nnlab_run_config_parse(
      text, "/cfg/run.ini", overrides, test_registry(), &error);
  assert_null(config);
  assert_non_null(error);
  if (!strstr(error->message, part))
    fail_msg("'%s' does not contain '%s'", error->message, part);
  g_error_free(error);
}

static void test_valid_config_resolves_everything(void **state) {
  (void)state;
  GError *error = NULL;
  nnlab_run_config *c = nnlab_run_config_parse(valid_text, "/cfg/run.ini", NULL,
                                               test_registry(), &error);
  if (!c) fail_msg("%s", error->message);
  assert_string_equal(c->data_path, "/cfg/data.h5");
  assert_true(c->split.val_fraction == 0.2);
  assert_int_equal(c->n_hidden, 2);
  assert_int_equal(c->hidden_units[0], 8);
  assert_string_equal(c->hidden_activations[0].info->name, "leaky_relu");
  assert_true(c->hidden_activations[0].hparams[0].f == 0.2);
  assert_string_equal(c->hidden_activations[1].info->name, "tanh");
  assert_int_equal(c->train.epochs, 5);
  assert_int_equal(c->train.batch_size, 0);
  assert_string_equal(c->loss.info->name, "huber");
  assert_true(c->loss.hparams[0].f == 2.0);
  assert_string_equal(c->optimizer.info->name, "adam");
  assert_int_equal(c->seed, 3);
  assert_int_equal(c->train.seed, 3); /* shuffling follows the model seed */
  nnlab_run_config_free(c);
}

static void test_unknown_key_names_line_and_suggests(void **state) {
  (void)state;
  g_autofree char *text = edited(11, "epoch = 5");
  expect_error(text, NULL,
               "/cfg/run.ini:11: unknown key 'epoch' in [training] (did you "
               "mean 'epochs'?)");
}

static void test_unknown_section_suggests(void **state) {
  (void)state;
  g_autofree char *text = edited(10, "[trainig]");
  expect_error(text, NULL,
               "/cfg/run.ini:10: unknown section [trainig] (did "
               "you mean 'training'?)");
}

static void test_wrong_type_names_the_key(void **state) {
  (void)state;
  g_autofree char *text = edited(11, "epochs = ten");
  expect_error(text, NULL, "/cfg/run.ini:11: epochs: expected an integer");
}

static void test_optimizer_hyperparameters_checked_by_the_plugin(void **state) {
  (void)state;
  g_autofree char *range = edited(17, "lr = -1");
  expect_error(range, NULL,
               "/cfg/run.ini:17: hyperparameter 'lr' of optimizer 'adam': -1 "
               "is outside its range");
  g_autofree char *unknown = edited(17, "momentum = 0.9");
  expect_error(unknown, NULL,
               "/cfg/run.ini:17: unknown hyperparameter 'momentum' for "
               "optimizer 'adam'");
  g_autofree char *betas = edited(18, "betas = 0.9, 1.5");
  expect_error(betas, NULL, "/cfg/run.ini:18: hyperparameter 'betas'");
}

static void test_unknown_plugin_suggests(void **state) {
  (void)state;
  g_autofree char *text = edited(13, "loss = cross_entropi");
  expect_error(text, NULL,
               "/cfg/run.ini:13: no loss plugin named 'cross_entropi' (did "
               "you mean 'cross_entropy'?)");
  g_autofree char *act = edited(7, "activation = relu(alpha=1)");
  expect_error(act, NULL,
               "/cfg/run.ini:7: unknown hyperparameter 'alpha' for "
               "activation 'relu'");
}

static void test_missing_required_keys(void **state) {
  (void)state;
  g_autofree char *no_loss = edited(13, "");
  expect_error(no_loss, NULL, "missing key 'loss' in [training]");
  g_autofree char *no_path = edited(2, "");
  expect_error(no_path, NULL, "missing key 'path' in [data]");
}

static void test_overrides_apply_and_are_named_in_errors(void **state) {
  (void)state;
  const char *const ok[] = {"training.epochs=50", "optimizer.lr=0.5", NULL};
  GError *error = NULL;
  nnlab_run_config *c = nnlab_run_config_parse(valid_text, "/cfg/run.ini", ok,
                                               test_registry(), &error);
  if (!c) fail_msg("%s", error->message);
  assert_int_equal(c->train.epochs, 50);
  int lr = nnlab_hparams_index(c->optimizer.info, "lr");
  assert_true(c->optimizer.hparams[lr].f == 0.5);
  assert_non_null(strstr(c->text, "epochs=50"));
  nnlab_run_config_free(c);
  const char *const bad[] = {"training.epochs=-3", NULL};
  expect_error(valid_text, bad, "--set training.epochs: epochs: expected");
  const char *const malformed[] = {"epochs=3", NULL};
  expect_error(valid_text, malformed, "--set epochs=3: expected section.key");
}

/* GKeyFile ignores such names with a critical warning, and a value it
 * cannot read would silently become the default. */
static void test_unreadable_names_and_values_are_errors(void **state) {
  (void)state;
  const char *const bracket[] = {"mo]del.hidden=3", NULL};
  expect_error(valid_text, bracket, "the section name is not valid");
  const char *const space[] = {"model. hidden=3", NULL};
  expect_error(valid_text, space, "the key name is not valid");
  const char *const lines[] = {"model.hidden=3\n[layer.1]", NULL};
  expect_error(valid_text, lines, "the value spans lines");
  g_autofree char *latin1 = edited(7, "activation = tan\xe9");
  expect_error(latin1, NULL,
               "/cfg/run.ini:7: activation: the value is not "
               "valid UTF-8");
}

static void test_split_fractions_must_leave_training_rows(void **state) {
  (void)state;
  g_autofree char *text = edited(3, "val_fraction = 0.5\ntest_fraction = 0.5");
  expect_error(text, NULL, "val_fraction + test_fraction must be below 1");
}

/* The output layer's hand-set values after the valid text's 18 lines:
 * [layer.3] on line 19, weights on 20, bias on 21. */
static char *with_output_layer(const char *weights, const char *bias) {
  return g_strdup_printf("%s[layer.3]\nweights = %s\nbias = %s\n", valid_text,
                         weights, bias);
}

static void test_layer_values_are_numbers_when_loaded(void **state) {
  (void)state;
  g_autofree char *text = with_output_layer("1; 2; x; 4", "0");
  expect_error(text, NULL,
               "/cfg/run.ini:20: weights: 'x' is not a finite number");
  g_autofree char *bias = with_output_layer("1; 2; 3; 4", "inf");
  expect_error(bias, NULL,
               "/cfg/run.ini:21: bias: 'inf' is not a finite number");
}

static nnlab_run_config *parse_valid(const char *text) {
  GError *error = NULL;
  nnlab_run_config *c = nnlab_run_config_parse(text, "/cfg/run.ini", NULL,
                                               test_registry(), &error);
  if (!c) fail_msg("%s", error->message);
  return c;
}

static void expect_build_error(const nnlab_run_config *c, size_t n_inputs,
                               const char *message) {
  GError *error = NULL;
  nnlab_model *model = nnlab_run_config_build_model(c, n_inputs, 1, &error);
  assert_null(model);
  assert_non_null(error);
  assert_string_equal(error->message, message);
  g_error_free(error);
}

/* Counts wait for the input width; the values given are the model's. */
static void test_layer_values_counted_when_built(void **state) {
  (void)state;
  g_autofree char *text = with_output_layer("1; 2; 3; 4", "0.5");
  nnlab_run_config *c = parse_valid(text);
  GError *error = NULL;
  nnlab_model *model = nnlab_run_config_build_model(c, 3, 1, &error);
  if (!model) fail_msg("%s", error->message);
  const float *w = nnlab_model_layer_weights(model, 2);
  assert_true(w[0] == 1 && w[1] == 2 && w[2] == 3 && w[3] == 4);
  assert_true(nnlab_model_layer_bias(model, 2)[0] == 0.5f);
  nnlab_model_free(model);
  nnlab_run_config_free(c);
  g_autofree char *short_weights = with_output_layer("1; 2; 3", "0.5");
  c = parse_valid(short_weights);
  expect_build_error(c, 3,
                     "/cfg/run.ini:20: weights: expected 4 values, found 3");
  nnlab_run_config_free(c);
  g_autofree char *long_bias = with_output_layer("1; 2; 3; 4", "0.5, 1");
  c = parse_valid(long_bias);
  expect_build_error(c, 3, "/cfg/run.ini:21: bias: expected 1 values, found 2");
  nnlab_run_config_free(c);
}

/* The cap on parameters names [model] hidden, or its section when the
 * hidden layers are left out and the inputs alone pass the cap. */
static void test_parameter_cap_names_hidden(void **state) {
  (void)state;
  const char *message =
      "hidden: the network would have more than 268435456 parameters (1 GiB "
      "of float32 weights), the limit";
  g_autofree char *at_hidden = g_strdup_printf("/cfg/run.ini:6: %s", message);
  g_autofree char *at_model = g_strdup_printf("/cfg/run.ini:5: %s", message);
  nnlab_run_config *c = parse_valid(valid_text);
  expect_build_error(c, (size_t)1 << 25, at_hidden);
  nnlab_run_config_free(c);
  g_autofree char *no_hidden = edited(6, "");
  c = parse_valid(no_hidden);
  expect_build_error(c, (size_t)1 << 28, at_model);
  nnlab_run_config_free(c);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_valid_config_resolves_everything),
      cmocka_unit_test(test_unknown_key_names_line_and_suggests),
      cmocka_unit_test(test_unknown_section_suggests),
      cmocka_unit_test(test_wrong_type_names_the_key),
      cmocka_unit_test(test_optimizer_hyperparameters_checked_by_the_plugin),
      cmocka_unit_test(test_unknown_plugin_suggests),
      cmocka_unit_test(test_missing_required_keys),
      cmocka_unit_test(test_overrides_apply_and_are_named_in_errors),
      cmocka_unit_test(test_unreadable_names_and_values_are_errors),
      cmocka_unit_test(test_split_fractions_must_leave_training_rows),
      cmocka_unit_test(test_layer_values_are_numbers_when_loaded),
      cmocka_unit_test(test_layer_values_counted_when_built),
      cmocka_unit_test(test_parameter_cap_names_hidden),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
