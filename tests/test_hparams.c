/* Hyperparameter parsing and checking against a plugin's table, here a
 * table of every type defined in the test: no plugin is loaded. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include <nnlab/nnlab.h>

enum { LR, EPS, STEPS, NESTEROV, BETAS, MODE };

static const nnlab_hparam table[] = {
    NNLAB_HPARAM_FLOAT_DEF("lr", 0.01, 0.0, INFINITY, 0, "learning rate"),
    NNLAB_HPARAM_FLOAT_DEF("eps", 1e-8, 0.0, 1.0, NNLAB_HPARAM_MIN_EXCLUSIVE,
                           "small constant"),
    NNLAB_HPARAM_INT_DEF("steps", 3, 1, 100, "number of steps"),
    NNLAB_HPARAM_BOOL_DEF("nesterov", 0, "use Nesterov momentum"),
    NNLAB_HPARAM_PAIR_DEF("betas", 0.9, 0.999, 0.0, 1.0,
                          NNLAB_HPARAM_MAX_EXCLUSIVE, "decay rates"),
    NNLAB_HPARAM_CHOICE_DEF("mode", 0, "none|tanh", "approximation"),
};

static const nnlab_plugin_info info = {
    .kind = NNLAB_KIND_OPTIMIZER,
    .name = "tester",
    .version = "1.0.0",
    .description = "table for tests",
    .hparams = table,
    .n_hparams = G_N_ELEMENTS(table),
};

/* Sets key=text and expects failure whose message contains part. */
static void expect_error(nnlab_value *values, const char *key, const char *text,
                         const char *part) {
  GError *error = NULL;
  nnlab_value before[G_N_ELEMENTS(table)];
  memcpy(before, values, sizeof before);
  assert_false(nnlab_hparams_set(&info, values, key, text, &error));
  assert_non_null(error);
  if (!strstr(error->message, part))
    fail_msg("'%s' does not contain '%s'", error->message, part);
  assert_memory_equal(before, values, sizeof before);
  g_error_free(error);
}

static void set_ok(nnlab_value *values, const char *key, const char *text) {
  GError *error = NULL;
  if (!nnlab_hparams_set(&info, values, key, text, &error))
    fail_msg("%s=%s: %s", key, text, error->message);
}

static void test_defaults_fill_every_value(void **state) {
  (void)state;
  g_autofree nnlab_value *v = nnlab_hparams_new_defaults(&info);
  assert_true(v[LR].f == 0.01);
  assert_true(v[EPS].f == 1e-8);
  assert_int_equal(v[STEPS].i, 3);
  assert_false(v[NESTEROV].b);
  assert_true(v[BETAS].pair[0] == 0.9 && v[BETAS].pair[1] == 0.999);
  assert_int_equal(v[MODE].i, 0);
}

static void test_values_parse_by_type(void **state) {
  (void)state;
  g_autofree nnlab_value *v = nnlab_hparams_new_defaults(&info);
  set_ok(v, "lr", " 0.5 ");
  assert_true(v[LR].f == 0.5);
  set_ok(v, "steps", "42");
  assert_int_equal(v[STEPS].i, 42);
  set_ok(v, "nesterov", "yes");
  assert_true(v[NESTEROV].b);
  set_ok(v, "nesterov", "False");
  assert_false(v[NESTEROV].b);
  set_ok(v, "betas", "(0.5, 0.75)");
  assert_true(v[BETAS].pair[0] == 0.5 && v[BETAS].pair[1] == 0.75);
  set_ok(v, "betas", "0.8,0.9");
  assert_true(v[BETAS].pair[0] == 0.8 && v[BETAS].pair[1] == 0.9);
  set_ok(v, "mode", "tanh");
  assert_int_equal(v[MODE].i, 1);
}

static void test_unknown_key_suggests_the_nearest(void **state) {
  (void)state;
  g_autofree nnlab_value *v = nnlab_hparams_new_defaults(&info);
  expect_error(v, "lrr", "0.1", "did you mean 'lr'?");
  expect_error(v, "nestrov", "true", "did you mean 'nesterov'?");
  expect_error(v, "completely_different", "1", "valid: lr, eps, steps");
}

static void test_wrong_types_are_refused(void **state) {
  (void)state;
  g_autofree nnlab_value *v = nnlab_hparams_new_defaults(&info);
  expect_error(v, "lr", "fast", "expected a finite float, got 'fast'");
  expect_error(v, "lr", "nan", "expected a finite float");
  expect_error(v, "lr", "inf", "expected a finite float");
  expect_error(v, "lr", "", "expected a finite float");
  expect_error(v, "steps", "3.5", "expected a finite int");
  expect_error(v, "nesterov", "maybe", "expected a finite bool");
  expect_error(v, "betas", "0.9", "expected a pair of numbers");
  expect_error(v, "betas", "0.9,0.99,0.999", "expected a pair of numbers");
  expect_error(v, "mode", "erf", "expected one of none|tanh, got 'erf'");
}

static void test_out_of_range_values_name_the_range(void **state) {
  (void)state;
  g_autofree nnlab_value *v = nnlab_hparams_new_defaults(&info);
  expect_error(v, "lr", "-0.1", "outside its range [0, inf)");
  expect_error(v, "eps", "0", "outside its range (0, 1]");
  expect_error(v, "steps", "101", "outside its range [1, 100]");
  expect_error(v, "betas", "0.9,1", "outside its range [0, 1)");
  set_ok(v, "eps", "1");
  set_ok(v, "lr", "0");
}

static void test_formatting_round_trips(void **state) {
  (void)state;
  g_autofree nnlab_value *v = nnlab_hparams_new_defaults(&info);
  g_autofree nnlab_value *copy = nnlab_hparams_new_defaults(&info);
  set_ok(v, "lr", "0.123456789");
  set_ok(v, "betas", "0.25,0.5");
  set_ok(v, "mode", "tanh");
  set_ok(v, "nesterov", "true");
  for (size_t i = 0; i < info.n_hparams; i++) {
    g_autofree char *text = nnlab_hparam_format_value(&table[i], &v[i]);
    set_ok(copy, table[i].name, text);
  }
  assert_memory_equal(v, copy, sizeof(nnlab_value) * info.n_hparams);
  g_autofree char *betas = nnlab_hparam_format_value(&table[BETAS], &v[BETAS]);
  assert_string_equal(betas, "0.25,0.5");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_defaults_fill_every_value),
      cmocka_unit_test(test_values_parse_by_type),
      cmocka_unit_test(test_unknown_key_suggests_the_nearest),
      cmocka_unit_test(test_wrong_types_are_refused),
      cmocka_unit_test(test_out_of_range_values_name_the_range),
      cmocka_unit_test(test_formatting_round_trips),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
