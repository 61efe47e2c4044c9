/* Datasets in memory: allocation, selection, digests and statistics, on
 * small datasets built by hand. No file is read or written; the file
 * formats have their own tests. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <nnlab/nnlab.h>

#include "support/dataset_fixtures.h"

static void assert_close(double actual, double expected, double tolerance) {
  if (fabs(actual - expected) > tolerance)
    fail_msg("%.17g is not within %g of %.17g", actual, tolerance, expected);
}

/* 4 rows, 2 features, 3 classes, with names. */
static nnlab_dataset *small_classification(void) {
  nnlab_dataset *d =
      nnlab_dataset_new(NNLAB_TASK_CLASSIFICATION, 4, 2, 1, 3, NULL);
  assert_non_null(d);
  const float x[] = {1, 10, 2, 20, 3, 30, 4, 40};
  const int32_t y[] = {0, 2, 2, 1};
  memcpy(d->features, x, sizeof x);
  memcpy(d->labels, y, sizeof y);
  const char *features[] = {"a", "b", NULL};
  const char *classes[] = {"cat", "dog", "eel", NULL};
  d->feature_names = g_strdupv((char **)features);
  d->class_names = g_strdupv((char **)classes);
  d->source = g_strdup("test");
  return d;
}

static void test_new_allocates_aligned_zeroed_buffers(void **state) {
  (void)state;
  nnlab_dataset *d = nnlab_dataset_new(NNLAB_TASK_REGRESSION, 3, 5, 2, 0, NULL);
  assert_non_null(d);
  assert_int_equal((uintptr_t)d->features % 64, 0);
  assert_int_equal((uintptr_t)d->targets % 64, 0);
  assert_null(d->labels);
  for (size_t i = 0; i < 15; i++) assert_true(d->features[i] == 0.0f);
  assert_null(d->feature_names);
  assert_null(d->source);
  nnlab_dataset_free(d);
  d = nnlab_dataset_new(NNLAB_TASK_CLASSIFICATION, 3, 5, 1, 4, NULL);
  assert_non_null(d->labels);
  assert_null(d->targets);
  assert_int_equal(d->n_classes, 4);
  nnlab_dataset_free(d);
}

static void test_new_refuses_bad_shapes(void **state) {
  (void)state;
  GError *error = NULL;
  assert_null(
      nnlab_dataset_new(NNLAB_TASK_REGRESSION, SIZE_MAX / 2, 4, 1, 0, &error));
  fixture_assert_contains(error->message, "more than nnlab's limit");
  g_clear_error(&error);
  assert_null(
      nnlab_dataset_new(NNLAB_TASK_CLASSIFICATION, 10, 4, 1, 0, &error));
  fixture_assert_contains(error->message, "0 classes");
  g_clear_error(&error);
  assert_null(
      nnlab_dataset_new(NNLAB_TASK_CLASSIFICATION, 10, 4, 2, 3, &error));
  fixture_assert_contains(error->message, "one label per row");
  g_clear_error(&error);
  assert_null(nnlab_dataset_new(NNLAB_TASK_REGRESSION, 0, 4, 1, 0, &error));
  fixture_assert_contains(error->message, "at least one row");
  g_clear_error(&error);
  assert_null(nnlab_dataset_new((nnlab_task)7, 1, 1, 1, 0, &error));
  fixture_assert_contains(error->message, "unknown dataset task");
  g_clear_error(&error);
}

static void test_select_copies_rows_in_order_with_names(void **state) {
  (void)state;
  nnlab_dataset *d = small_classification();
  const size_t rows[] = {3, 0, 3};
  nnlab_dataset *s = nnlab_dataset_select(d, rows, 3, NULL);
  assert_non_null(s);
  assert_int_equal(s->n_rows, 3);
  assert_int_equal(s->n_classes, 3);
  const float x[] = {4, 40, 1, 10, 4, 40};
  assert_memory_equal(s->features, x, sizeof x);
  assert_int_equal(s->labels[0], 1);
  assert_int_equal(s->labels[1], 0);
  assert_int_equal(s->labels[2], 1);
  assert_string_equal(s->feature_names[1], "b");
  assert_string_equal(s->class_names[2], "eel");
  assert_string_equal(s->source, "test");
  assert_true(s->feature_names != d->feature_names);
  nnlab_dataset_free(s);
  nnlab_dataset_free(d);
}

static void test_select_refuses_out_of_range_rows(void **state) {
  (void)state;
  nnlab_dataset *d = small_classification();
  const size_t rows[] = {1, 4};
  GError *error = NULL;
  assert_null(nnlab_dataset_select(d, rows, 2, &error));
  fixture_assert_contains(error->message, "row index 4");
  fixture_assert_contains(error->message, "[0, 4)");
  g_error_free(error);
  nnlab_dataset_free(d);
}

static void test_task_names_round_trip(void **state) {
  (void)state;
  nnlab_task task = 0;
  assert_true(nnlab_task_from_name("classification", &task));
  assert_int_equal(task, NNLAB_TASK_CLASSIFICATION);
  assert_string_equal(nnlab_task_name(NNLAB_TASK_REGRESSION), "regression");
  assert_false(nnlab_task_from_name("clustering", &task));
  assert_null(nnlab_task_name((nnlab_task)0));
}

static void test_digest_follows_contents(void **state) {
  (void)state;
  nnlab_dataset *a = small_classification();
  const size_t all[] = {0, 1, 2, 3};
  nnlab_dataset *b = nnlab_dataset_select(a, all, 4, NULL);
  g_autofree char *digest_a = nnlab_dataset_digest(a);
  g_autofree char *digest_b = nnlab_dataset_digest(b);
  assert_int_equal(strlen(digest_a), 64);
  assert_string_equal(digest_a, digest_b);
  b->features[5] = 30.5f;
  g_autofree char *changed_value = nnlab_dataset_digest(b);
  assert_string_not_equal(digest_a, changed_value);
  b->features[5] = 30.0f;
  g_free(b->class_names[0]);
  b->class_names[0] = g_strdup("lion");
  g_autofree char *changed_name = nnlab_dataset_digest(b);
  assert_string_not_equal(digest_a, changed_name);
  nnlab_dataset_free(a);
  nnlab_dataset_free(b);
}

static void test_default_class_names_are_indices(void **state) {
  (void)state;
  g_auto(GStrv) names = nnlab_dataset_default_class_names(11);
  assert_int_equal(g_strv_length(names), 11);
  assert_string_equal(names[0], "0");
  assert_string_equal(names[10], "10");
}

/* Features {1,2,3,4} and {10,20,30,40}: means 2.5 and 25, population
 * variances 1.25 and 125. */
static void test_feature_stats_match_hand_computed_values(void **state) {
  (void)state;
  nnlab_dataset *d = small_classification();
  nnlab_column_stats *stats = nnlab_dataset_feature_stats(d, NULL);
  assert_non_null(stats);
  assert_close(stats[0].mean, 2.5, 1e-12);
  assert_close(stats[0].std, 1.118033988749895, 1e-12);
  assert_close(stats[0].min, 1.0, 0.0);
  assert_close(stats[0].max, 4.0, 0.0);
  assert_close(stats[1].mean, 25.0, 1e-12);
  assert_close(stats[1].std, 11.180339887498949, 1e-12);
  assert_close(stats[1].min, 10.0, 0.0);
  assert_close(stats[1].max, 40.0, 0.0);
  assert_null(nnlab_dataset_target_stats(d, NULL));
  g_free(stats);
  nnlab_dataset_free(d);
}

static void test_class_counts_and_target_stats(void **state) {
  (void)state;
  nnlab_dataset *d = small_classification();
  g_autofree size_t *counts = nnlab_dataset_class_counts(d);
  assert_int_equal(counts[0], 1);
  assert_int_equal(counts[1], 1);
  assert_int_equal(counts[2], 2);
  nnlab_dataset_free(d);

  d = nnlab_dataset_new(NNLAB_TASK_REGRESSION, 2, 1, 2, 0, NULL);
  const float y[] = {-1, 5, 3, 5};
  memcpy(d->targets, y, sizeof y);
  nnlab_column_stats *stats = nnlab_dataset_target_stats(d, NULL);
  assert_close(stats[0].mean, 1.0, 1e-12);
  assert_close(stats[0].std, 2.0, 1e-12);
  assert_close(stats[1].std, 0.0, 0.0);
  assert_close(stats[1].min, 5.0, 0.0);
  assert_null(nnlab_dataset_class_counts(d));
  g_free(stats);
  nnlab_dataset_free(d);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_new_allocates_aligned_zeroed_buffers),
      cmocka_unit_test(test_new_refuses_bad_shapes),
      cmocka_unit_test(test_select_copies_rows_in_order_with_names),
      cmocka_unit_test(test_select_refuses_out_of_range_rows),
      cmocka_unit_test(test_task_names_round_trip),
      cmocka_unit_test(test_digest_follows_contents),
      cmocka_unit_test(test_default_class_names_are_indices),
      cmocka_unit_test(test_feature_stats_match_hand_computed_values),
      cmocka_unit_test(test_class_counts_and_target_stats),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
