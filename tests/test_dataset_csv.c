/* CSV import: layouts that must work, and inputs that must fail with an
 * error naming the file, line and column, leaving no output file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/wait.h>

#include <cmocka.h>

#include <nnlab/nnlab.h>

#include "support/dataset_fixtures.h"

static char *dir;

static int make_dir(void **state) {
  (void)state;
  dir = fixture_make_dir();
  return 0;
}

static int remove_dir(void **state) {
  (void)state;
  fixture_remove_dir(dir);
  g_clear_pointer(&dir, g_free);
  return 0;
}

static nnlab_dataset *import_text(const char *text,
                                  const nnlab_csv_options *options) {
  g_autofree char *path = fixture_write(dir, "data.csv", text);
  GError *error = NULL;
  nnlab_dataset *d = nnlab_dataset_import_csv(path, options, &error);
  if (!d) fail_msg("%s", error->message);
  return d;
}

/* Imports text as name and saves it as out.h5, as `nnlab data import`
 * does; expects the import to fail with an error containing each of the
 * parts and out.h5 not to exist. */
static void assert_import_fails(const char *name, const char *text,
                                const nnlab_csv_options *options, ...) {
  g_autofree char *path = fixture_write(dir, name, text);
  g_autofree char *output = g_build_filename(dir, "out.h5", NULL);
  GError *error = NULL;
  nnlab_dataset *d = nnlab_dataset_import_csv(path, options, &error);
  if (d) {
    assert_true(nnlab_dataset_save(d, output, NULL));
    nnlab_dataset_free(d);
    fail_msg("%s imported; expected an error", name);
  }
  assert_null(strchr(error->message, '\n'));
  va_list parts;
  va_start(parts, options);
  for (const char *part; (part = va_arg(parts, const char *));)
    fixture_assert_contains(error->message, part);
  va_end(parts);
  assert_false(g_file_test(output, G_FILE_TEST_EXISTS));
  g_error_free(error);
}

static void test_header_is_detected_and_names_kept(void **state) {
  (void)state;
  nnlab_dataset *d = import_text("x1,x2,price\n1,2,3\n4,5,6.5\n", NULL);
  assert_int_equal(d->task, NNLAB_TASK_REGRESSION);
  assert_int_equal(d->n_rows, 2);
  assert_int_equal(d->n_features, 2);
  assert_int_equal(d->n_targets, 1);
  const float x[] = {1, 2, 4, 5};
  const float y[] = {3, 6.5f};
  assert_memory_equal(d->features, x, sizeof x);
  assert_memory_equal(d->targets, y, sizeof y);
  assert_string_equal(d->feature_names[1], "x2");
  assert_string_equal(d->target_names[0], "price");
  nnlab_dataset_free(d);
}

static void test_numeric_first_line_is_data(void **state) {
  (void)state;
  nnlab_dataset *d = import_text("1,2,3\n-4.5e1,5,6\n", NULL);
  assert_int_equal(d->n_rows, 2);
  assert_true(d->features[2] == -45.0f);
  assert_null(d->feature_names);
  assert_null(d->target_names);
  nnlab_dataset_free(d);
}

static void test_header_can_be_forced(void **state) {
  (void)state;
  nnlab_csv_options options;
  nnlab_csv_options_init(&options);
  options.header = NNLAB_CSV_HEADER_YES;
  nnlab_dataset *d = import_text("1,2,3\n4,5,6\n", &options);
  assert_int_equal(d->n_rows, 1);
  assert_string_equal(d->feature_names[0], "1");
  nnlab_dataset_free(d);
  options.header = NNLAB_CSV_HEADER_NO;
  assert_import_fails("header.csv", "a,b,c\n1,2,3\n", &options,
                      "header.csv:1, column 1: 'a' is not a number", NULL);
}

static void test_targets_by_name_and_index(void **state) {
  (void)state;
  nnlab_csv_options options;
  nnlab_csv_options_init(&options);
  const char *targets[] = {"b", "0", NULL};
  options.target_columns = targets;
  nnlab_dataset *d = import_text("a,b,c,d\n1,2,3,4\n5,6,7,8\n", &options);
  assert_int_equal(d->n_features, 2);
  assert_int_equal(d->n_targets, 2);
  const float x[] = {3, 4, 7, 8};
  const float y[] = {2, 1, 6, 5};
  assert_memory_equal(d->features, x, sizeof x);
  assert_memory_equal(d->targets, y, sizeof y);
  assert_string_equal(d->target_names[0], "b");
  assert_string_equal(d->target_names[1], "a");
  assert_string_equal(d->feature_names[0], "c");
  nnlab_dataset_free(d);

  const char *from_end[] = {"-2", NULL};
  options.target_columns = from_end;
  d = import_text("1,2,3,4\n", &options);
  assert_true(d->targets[0] == 3.0f);
  nnlab_dataset_free(d);
}

static void test_classification_with_and_without_class_names(void **state) {
  (void)state;
  nnlab_csv_options options;
  nnlab_csv_options_init(&options);
  options.task = NNLAB_TASK_CLASSIFICATION;
  nnlab_dataset *d = import_text("0.5,2\n1.5,0\n2.5,4\n", &options);
  assert_int_equal(d->n_classes, 5);
  assert_int_equal(d->labels[0], 2);
  assert_int_equal(d->labels[2], 4);
  assert_string_equal(d->class_names[4], "4");
  nnlab_dataset_free(d);

  const char *names[] = {"no", "yes", NULL};
  nnlab_csv_options_init(&options);
  options.class_names = names; /* implies classification */
  d = import_text("0.5,0\n1.5,0\n", &options);
  assert_int_equal(d->task, NNLAB_TASK_CLASSIFICATION);
  assert_int_equal(d->n_classes, 2);
  assert_string_equal(d->class_names[1], "yes");
  nnlab_dataset_free(d);
}

static void test_gzip_input_reads_like_plain(void **state) {
  (void)state;
  const char text[] = "a,b\n1,2\n3,4\n";
  g_autofree char *path =
      fixture_write_gzip(dir, "small.csv.gz", text, strlen(text));
  nnlab_dataset *d = nnlab_dataset_import_csv(path, NULL, NULL);
  assert_non_null(d);
  assert_int_equal(d->n_rows, 2);
  assert_true(d->targets[1] == 4.0f);
  nnlab_dataset_free(d);
}

static void test_truncated_gzip_names_the_line(void **state) {
  (void)state;
  GString *text = g_string_new("a,b\n");
  for (int i = 0; i < 2000; i++) g_string_append_printf(text, "%d,%d\n", i, i);
  g_autofree char *path =
      fixture_write_gzip(dir, "cut.csv.gz", text->str, text->len);
  g_string_free(text, TRUE);
  g_autofree char *bytes = NULL;
  gsize size = 0;
  assert_true(g_file_get_contents(path, &bytes, &size, NULL));
  assert_true(g_file_set_contents(path, bytes, (gssize)size / 2, NULL));
  GError *error = NULL;
  assert_null(nnlab_dataset_import_csv(path, NULL, &error));
  g_autofree char *prefix = g_strdup_printf("%s:", path);
  assert_true(g_str_has_prefix(error->message, prefix));
  fixture_assert_contains(error->message, ": unexpected end of file");
  g_error_free(error);
}

static void test_crlf_spaces_quotes_blank_lines_and_skipped_lines(
    void **state) {
  (void)state;
  nnlab_csv_options options;
  nnlab_csv_options_init(&options);
  options.skip_lines = 1;
  nnlab_dataset *d = import_text(
      "2,1,,\r\n \"CRIM\" , \"a \"\"q\"\" b\",MEDV\r\n\r\n 1 ,\t2, 3 \r\n"
      "4,5,6",
      &options);
  assert_int_equal(d->n_rows, 2);
  assert_string_equal(d->feature_names[0], "CRIM");
  assert_string_equal(d->feature_names[1], "a \"q\" b");
  assert_true(d->features[1] == 2.0f && d->targets[1] == 6.0f);
  nnlab_dataset_free(d);
}

static void test_other_delimiters(void **state) {
  (void)state;
  nnlab_csv_options options;
  nnlab_csv_options_init(&options);
  options.delimiter = '\t';
  nnlab_dataset *d = import_text("x\ty\n1.5\t2\n", &options);
  assert_true(d->features[0] == 1.5f && d->targets[0] == 2.0f);
  nnlab_dataset_free(d);
  options.delimiter = ';';
  d = import_text("a;b\n1.5;2\n", &options);
  assert_string_equal(d->feature_names[0], "a");
  assert_true(d->targets[0] == 2.0f);
  nnlab_dataset_free(d);
}

static void test_ragged_row_names_line_and_counts(void **state) {
  (void)state;
  assert_import_fails("ragged.csv", "a,b,c\n1,2,3\n4,5\n", NULL,
                      "ragged.csv:3: expected 3 columns, found 2", NULL);
}

static void test_non_numeric_cell_names_line_and_column(void **state) {
  (void)state;
  assert_import_fails("boston.csv", "ZN,INDUS,y\n1,2,3\n\n4,abc,6\n", NULL,
                      "boston.csv:4, column 2 (INDUS): 'abc' is not a number",
                      NULL);
  assert_import_fails("empty_cell.csv", "1,2,3\n4,,6\n", NULL,
                      "empty_cell.csv:2, column 2: empty cell", NULL);
  assert_import_fails("quote.csv", "1,\"2,3\n", NULL,
                      "quote.csv:1, column 2: a quoted cell is not closed",
                      NULL);
}

static void test_nan_and_inf_are_refused(void **state) {
  (void)state;
  assert_import_fails("nan.csv", "a,b\n1,2\nnan,3\n", NULL,
                      "nan.csv:3, column 1 (a): 'nan' is not a finite number",
                      NULL);
  assert_import_fails("inf.csv", "1,2\n3,-Inf\n", NULL,
                      "inf.csv:2, column 2: '-Inf' is not a finite number",
                      NULL);
  assert_import_fails("huge.csv", "1,2\n3,1e39\n", NULL,
                      "huge.csv:2, column 2: '1e39' is outside the float32",
                      NULL);
}

static void test_empty_file_and_header_only(void **state) {
  (void)state;
  assert_import_fails("empty.csv", "", NULL, "empty.csv: no data rows", NULL);
  assert_import_fails("blank.csv", "\n  \n", NULL, "blank.csv: no data rows",
                      NULL);
  assert_import_fails("header.csv", "a,b\n", NULL,
                      "header.csv: no data rows (only a header)", NULL);
  assert_import_fails("one.csv", "1\n2\n", NULL,
                      "one.csv:1: one column; a dataset needs a feature and a "
                      "target",
                      NULL);
}

static void test_bad_labels_are_refused(void **state) {
  (void)state;
  nnlab_csv_options options;
  nnlab_csv_options_init(&options);
  options.task = NNLAB_TASK_CLASSIFICATION;
  assert_import_fails("half.csv", "x,class\n1,0\n2,1.5\n", &options,
                      "half.csv:3, column 2 (class): class label '1.5' is not "
                      "an integer >= 0",
                      NULL);
  assert_import_fails("negative.csv", "1,0\n2,-1\n", &options,
                      "negative.csv:2, column 2: class label '-1' is not an "
                      "integer >= 0",
                      NULL);
  const char *names[] = {"setosa", "versicolor", "virginica", NULL};
  options.class_names = names;
  assert_import_fails("iris.csv", "1,0\n2,1\n3,3\n", &options,
                      "iris.csv:3, column 2: class label 3 is outside [0, 3) "
                      "(3 class names given)",
                      NULL);
  options.class_names = NULL;
  assert_import_fails("many.csv", "1,0\n2,5000000\n", &options,
                      "many.csv:2, column 2: class label 5000000 is more than "
                      "nnlab's limit",
                      NULL);
}

static void test_target_not_found_suggests_a_name(void **state) {
  (void)state;
  nnlab_csv_options options;
  nnlab_csv_options_init(&options);
  const char *typo[] = {"MEDX", NULL};
  options.target_columns = typo;
  assert_import_fails("boston.csv", "CRIM,MEDV\n1,2\n", &options,
                      "boston.csv: no column named 'MEDX' in the header (did "
                      "you mean 'MEDV'?)",
                      NULL);
  assert_import_fails("plain.csv", "1,2\n", &options,
                      "plain.csv: target column 'MEDX' is a name, but the "
                      "file has no header",
                      NULL);
  const char *far[] = {"5", NULL};
  options.target_columns = far;
  assert_import_fails("far.csv", "1,2\n", &options,
                      "far.csv: target column 5 is outside the 2 columns",
                      NULL);
  const char *both[] = {"0", "1", NULL};
  options.target_columns = both;
  assert_import_fails("all.csv", "1,2\n", &options,
                      "every one of the 2 columns is a target", NULL);
  options.task = NNLAB_TASK_CLASSIFICATION;
  assert_import_fails("two.csv", "1,2,0\n", &options,
                      "two.csv: classification takes one target column, not 2",
                      NULL);
}

static void test_feature_names_must_match_the_features(void **state) {
  (void)state;
  nnlab_csv_options options;
  nnlab_csv_options_init(&options);
  const char *names[] = {"only one", NULL};
  options.feature_names = names;
  assert_import_fails("names.csv", "1,2,3\n", &options,
                      "names.csv: 1 feature names given for 2 feature columns",
                      NULL);
}

static void test_missing_file_is_named(void **state) {
  (void)state;
  g_autofree char *path = g_build_filename(dir, "absent.csv", NULL);
  GError *error = NULL;
  assert_null(nnlab_dataset_import_csv(path, NULL, &error));
  fixture_assert_contains(error->message, path);
  fixture_assert_contains(error->message, "No such file or directory");
  g_error_free(error);
}

/* Runs the nnlab command; returns its exit status. */
static int run_cli(const char *const *args, char **out, char **err) {
  GPtrArray *argv = g_ptr_array_new();
  g_ptr_array_add(argv, (gpointer)NNLAB_CLI);
  for (size_t i = 0; args[i]; i++) g_ptr_array_add(argv, (gpointer)args[i]);
  g_ptr_array_add(argv, NULL);
  int wait_status = 0;
  GError *error = NULL;
  gboolean spawned =
      g_spawn_sync(NULL, (char **)argv->pdata, NULL, G_SPAWN_DEFAULT, NULL,
                   NULL, out, err, &wait_status, &error);
  g_ptr_array_unref(argv);
  if (!spawned) fail_msg("cannot run %s: %s", NNLAB_CLI, error->message);
  assert_true(WIFEXITED(wait_status));
  return WEXITSTATUS(wait_status);
}

static void test_cli_reports_one_line_and_writes_nothing(void **state) {
  (void)state;
  g_autofree char *csv =
      fixture_write(dir, "cli_bad.csv", "x1,x2,y\n0,0,0\n0,1\n");
  g_autofree char *output = g_build_filename(dir, "cli_out.h5", NULL);
  g_autofree char *out = NULL, *err = NULL;
  const char *args[] = {"data",   "import",         csv, "-o", output,
                        "--task", "classification", NULL};
  assert_int_equal(run_cli(args, &out, &err), 1);
  assert_string_equal(out, "");
  g_autofree char *expected =
      g_strdup_printf("nnlab: error: %s:3: expected 3 columns, found 2\n", csv);
  assert_string_equal(err, expected);
  assert_false(g_file_test(output, G_FILE_TEST_EXISTS));
}

static void test_cli_imports_and_describes(void **state) {
  (void)state;
  g_autofree char *csv =
      fixture_write(dir, "xor.csv", "x1,x2,y\n0,0,0\n0,1,1\n1,0,1\n1,1,0\n");
  g_autofree char *output = g_build_filename(dir, "xor.h5", NULL);
  g_autofree char *out = NULL, *err = NULL;
  const char *import[] = {
      "data",          "import",      csv,        "-o",          output,
      "--class-names", "false, true", "--source", "truth table", NULL};
  assert_int_equal(run_cli(import, &out, &err), 0);
  fixture_assert_contains(out, "4 rows x 2 features, classification, 2");
  g_clear_pointer(&out, g_free);
  g_clear_pointer(&err, g_free);
  const char *info[] = {"data", "info", "--json", output, NULL};
  assert_int_equal(run_cli(info, &out, &err), 0);
  fixture_assert_contains(out, "\"rows\" : 4");
  fixture_assert_contains(out, "\"name\" : \"true\"");
  fixture_assert_contains(out, "\"source\" : \"truth table\"");
  fixture_assert_contains(out, "\"mean\" : 0.5");
  g_clear_pointer(&out, g_free);
  g_clear_pointer(&err, g_free);
  const char *help[] = {"data", "import-idx", "--help", NULL};
  assert_int_equal(run_cli(help, &out, &err), 0);
  fixture_assert_contains(out, "nnlab data import-idx");
  g_clear_pointer(&out, g_free);
  g_clear_pointer(&err, g_free);
  const char *no_output[] = {"data", "import", csv, NULL};
  assert_int_equal(run_cli(no_output, &out, &err), 2);
  fixture_assert_contains(err, "nnlab: error: no output file");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_header_is_detected_and_names_kept),
      cmocka_unit_test(test_numeric_first_line_is_data),
      cmocka_unit_test(test_header_can_be_forced),
      cmocka_unit_test(test_targets_by_name_and_index),
      cmocka_unit_test(test_classification_with_and_without_class_names),
      cmocka_unit_test(test_gzip_input_reads_like_plain),
      cmocka_unit_test(test_truncated_gzip_names_the_line),
      cmocka_unit_test(test_crlf_spaces_quotes_blank_lines_and_skipped_lines),
      cmocka_unit_test(test_other_delimiters),
      cmocka_unit_test(test_ragged_row_names_line_and_counts),
      cmocka_unit_test(test_non_numeric_cell_names_line_and_column),
      cmocka_unit_test(test_nan_and_inf_are_refused),
      cmocka_unit_test(test_empty_file_and_header_only),
      cmocka_unit_test(test_bad_labels_are_refused),
      cmocka_unit_test(test_target_not_found_suggests_a_name),
      cmocka_unit_test(test_feature_names_must_match_the_features),
      cmocka_unit_test(test_missing_file_is_named),
      cmocka_unit_test(test_cli_reports_one_line_and_writes_nothing),
      cmocka_unit_test(test_cli_imports_and_describes),
  };
  return cmocka_run_group_tests(tests, make_dir, remove_dir);
}
