/* Dataset files: round trips, atomic saving, and the errors loading gives
 * for files that are not nnlab datasets or are damaged. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <glib/gstdio.h>
#include <hdf5.h>
#include <zlib.h>

#include <nnlab/nnlab.h>

#include "support/dataset_fixtures.h"

static nnlab_dataset *regression_example(void) {
  nnlab_dataset *d = nnlab_dataset_new(NNLAB_TASK_REGRESSION, 3, 2, 2, 0, NULL);
  const float x[] = {0.5f, -1.25f, 3e10f, 1e-30f, 0.0f, -0.0f};
  const float y[] = {1, 2, 3, 4, 5, 6};
  memcpy(d->features, x, sizeof x);
  memcpy(d->targets, y, sizeof y);
  const char *features[] = {"rooms", "área", NULL};
  const char *targets[] = {"price", "tax", NULL};
  d->feature_names = g_strdupv((char **)features);
  d->target_names = g_strdupv((char **)targets);
  d->source = g_strdup("hand-made, with a UTF-8 name");
  return d;
}

static nnlab_dataset *classification_example(gboolean with_names) {
  nnlab_dataset *d =
      nnlab_dataset_new(NNLAB_TASK_CLASSIFICATION, 4, 1, 1, 3, NULL);
  const float x[] = {1, 2, 3, 4};
  const int32_t y[] = {2, 0, 1, 2};
  memcpy(d->features, x, sizeof x);
  memcpy(d->labels, y, sizeof y);
  if (with_names) {
    const char *classes[] = {"setosa", "versicolor", "virginica", NULL};
    d->class_names = g_strdupv((char **)classes);
  }
  return d;
}

static void assert_same_names(char **a, char **b) {
  if (!a || !b) {
    assert_ptr_equal(a, b);
    return;
  }
  assert_int_equal(g_strv_length(a), g_strv_length(b));
  for (size_t i = 0; a[i]; i++) assert_string_equal(a[i], b[i]);
}

static nnlab_dataset *round_trip(const char *dir, const nnlab_dataset *d) {
  g_autofree char *path = g_build_filename(dir, "round.h5", NULL);
  GError *error = NULL;
  assert_true(nnlab_dataset_save(d, path, &error));
  assert_null(error);
  nnlab_dataset *loaded = nnlab_dataset_load(path, &error);
  if (!loaded) fail_msg("%s", error->message);
  /* Only the file itself: the temporary was renamed over it. */
  assert_int_equal(fixture_count_files(dir), 1);
  return loaded;
}

static void test_regression_round_trip_keeps_values_and_names(void **state) {
  (void)state;
  g_autofree char *dir = fixture_make_dir();
  nnlab_dataset *d = regression_example();
  nnlab_dataset *loaded = round_trip(dir, d);
  assert_int_equal(loaded->task, NNLAB_TASK_REGRESSION);
  assert_int_equal(loaded->n_rows, 3);
  assert_int_equal(loaded->n_features, 2);
  assert_int_equal(loaded->n_targets, 2);
  assert_memory_equal(loaded->features, d->features, 6 * sizeof(float));
  assert_memory_equal(loaded->targets, d->targets, 6 * sizeof(float));
  assert_same_names(loaded->feature_names, d->feature_names);
  assert_same_names(loaded->target_names, d->target_names);
  assert_null(loaded->class_names);
  assert_string_equal(loaded->source, d->source);
  g_autofree char *before = nnlab_dataset_digest(d);
  g_autofree char *after = nnlab_dataset_digest(loaded);
  assert_string_equal(before, after);
  nnlab_dataset_free(loaded);
  nnlab_dataset_free(d);
  fixture_remove_dir(dir);
}

static void test_classification_round_trip_keeps_labels_and_names(
    void **state) {
  (void)state;
  g_autofree char *dir = fixture_make_dir();
  nnlab_dataset *d = classification_example(TRUE);
  nnlab_dataset *loaded = round_trip(dir, d);
  assert_int_equal(loaded->task, NNLAB_TASK_CLASSIFICATION);
  assert_int_equal(loaded->n_classes, 3);
  assert_int_equal(loaded->n_targets, 1);
  assert_null(loaded->targets);
  assert_memory_equal(loaded->labels, d->labels, 4 * sizeof(int32_t));
  assert_same_names(loaded->class_names, d->class_names);
  assert_null(loaded->feature_names);
  assert_null(loaded->source);
  nnlab_dataset_free(loaded);
  nnlab_dataset_free(d);
  fixture_remove_dir(dir);
}

static void test_missing_class_names_are_written_as_indices(void **state) {
  (void)state;
  g_autofree char *dir = fixture_make_dir();
  nnlab_dataset *d = classification_example(FALSE);
  nnlab_dataset *loaded = round_trip(dir, d);
  assert_int_equal(g_strv_length(loaded->class_names), 3);
  assert_string_equal(loaded->class_names[2], "2");
  nnlab_dataset_free(loaded);
  nnlab_dataset_free(d);
  fixture_remove_dir(dir);
}

/* Thousands of names exceed HDF5's 64 KiB limit for compact attributes. */
static void test_wide_dataset_keeps_all_feature_names(void **state) {
  (void)state;
  g_autofree char *dir = fixture_make_dir();
  const size_t width = 6000;
  nnlab_dataset *d =
      nnlab_dataset_new(NNLAB_TASK_REGRESSION, 2, width, 1, 0, NULL);
  d->feature_names = g_new0(char *, width + 1);
  for (size_t j = 0; j < width; j++) {
    d->feature_names[j] = g_strdup_printf("a rather long feature name %zu", j);
    d->features[width + j] = (float)j;
  }
  nnlab_dataset *loaded = round_trip(dir, d);
  assert_same_names(loaded->feature_names, d->feature_names);
  assert_true(loaded->features[2 * width - 1] == (float)(width - 1));
  nnlab_dataset_free(loaded);
  nnlab_dataset_free(d);
  fixture_remove_dir(dir);
}

static void test_same_data_gives_the_same_bytes(void **state) {
  (void)state;
  g_autofree char *dir = fixture_make_dir();
  g_autofree char *first = g_build_filename(dir, "first.h5", NULL);
  g_autofree char *second = g_build_filename(dir, "second.h5", NULL);
  nnlab_dataset *d = regression_example();
  assert_true(nnlab_dataset_save(d, first, NULL));
  g_usleep(1100 * 1000); /* a timestamp would now differ */
  assert_true(nnlab_dataset_save(d, second, NULL));
  g_autofree char *a = NULL, *b = NULL;
  gsize a_size = 0, b_size = 0;
  assert_true(g_file_get_contents(first, &a, &a_size, NULL));
  assert_true(g_file_get_contents(second, &b, &b_size, NULL));
  assert_int_equal(a_size, b_size);
  assert_memory_equal(a, b, a_size);
  nnlab_dataset_free(d);
  fixture_remove_dir(dir);
}

static void test_save_replaces_an_existing_file(void **state) {
  (void)state;
  g_autofree char *dir = fixture_make_dir();
  g_autofree char *path = fixture_write(dir, "data.h5", "old contents");
  nnlab_dataset *d = classification_example(TRUE);
  assert_true(nnlab_dataset_save(d, path, NULL));
  nnlab_dataset *loaded = nnlab_dataset_load(path, NULL);
  assert_non_null(loaded);
  assert_int_equal(fixture_count_files(dir), 1);
  nnlab_dataset_free(loaded);
  nnlab_dataset_free(d);
  fixture_remove_dir(dir);
}

static void test_failed_saves_leave_nothing_behind(void **state) {
  (void)state;
  g_autofree char *dir = fixture_make_dir();
  GError *error = NULL;
  nnlab_dataset *d = classification_example(TRUE);

  /* The target is a directory: refused before anything is written. */
  g_autofree char *subdir = g_build_filename(dir, "taken.h5", NULL);
  assert_int_equal(g_mkdir(subdir, 0755), 0);
  assert_false(nnlab_dataset_save(d, subdir, &error));
  fixture_assert_contains(error->message, subdir);
  fixture_assert_contains(error->message,
                          "is a directory, expected a new file");
  g_clear_error(&error);
  assert_int_equal(fixture_count_files(dir), 1);
  g_rmdir(subdir);

  /* A label outside [0, n_classes): refused before anything is written. */
  g_autofree char *path = g_build_filename(dir, "bad.h5", NULL);
  d->labels[1] = 3;
  assert_false(nnlab_dataset_save(d, path, &error));
  fixture_assert_contains(error->message,
                          "bad.h5: cannot save: y: label 3 at "
                          "row 1 is outside [0, 3)");
  g_clear_error(&error);
  assert_int_equal(fixture_count_files(dir), 0);

  /* No such directory. */
  g_autofree char *nowhere = g_build_filename(dir, "no", "such.h5", NULL);
  d->labels[1] = 0;
  assert_false(nnlab_dataset_save(d, nowhere, &error));
  fixture_assert_contains(error->message, "cannot create a temporary file");
  g_clear_error(&error);
  assert_int_equal(fixture_count_files(dir), 0);
  nnlab_dataset_free(d);
  fixture_remove_dir(dir);
}

/* Saves a valid classification file for a test to damage. */
static char *valid_file(const char *dir) {
  char *path = g_build_filename(dir, "iris.h5", NULL);
  nnlab_dataset *d = classification_example(TRUE);
  assert_true(nnlab_dataset_save(d, path, NULL));
  nnlab_dataset_free(d);
  return path;
}

static hid_t open_for_writing(const char *path) {
  hid_t file = H5Fopen(path, H5F_ACC_RDWR, H5P_DEFAULT);
  assert_true(file >= 0);
  return file;
}

static void set_int_attribute(const char *path, const char *name, int value) {
  hid_t file = open_for_writing(path);
  if (H5Aexists(file, name) > 0) H5Adelete(file, name);
  hid_t space = H5Screate(H5S_SCALAR);
  hid_t attr =
      H5Acreate2(file, name, H5T_STD_I32LE, space, H5P_DEFAULT, H5P_DEFAULT);
  assert_true(H5Awrite(attr, H5T_NATIVE_INT, &value) >= 0);
  H5Aclose(attr);
  H5Sclose(space);
  H5Fclose(file);
}

static void delete_attribute(const char *path, const char *name) {
  hid_t file = open_for_writing(path);
  assert_true(H5Adelete(file, name) >= 0);
  H5Fclose(file);
}

/* The crc32 attribute of docs/formats.md for n values of type (stored in
 * the host's order: these tests run on little-endian hosts). */
static void attach_crc32(hid_t array, hid_t type, const void *data, size_t n) {
  uint32_t crc = (uint32_t)crc32_z(0, data, n * H5Tget_size(type));
  hid_t space = H5Screate(H5S_SCALAR);
  hid_t attr = H5Acreate2(array, "crc32", H5T_STD_U32LE, space, H5P_DEFAULT,
                          H5P_DEFAULT);
  assert_true(H5Awrite(attr, H5T_NATIVE_UINT32, &crc) >= 0);
  H5Aclose(attr);
  H5Sclose(space);
}

/* Replaces /name with an uncompressed array of the given type and shape,
 * with its checksum. */
static void replace_array(const char *path, const char *name, hid_t type,
                          int rank, const hsize_t *dims, const void *data) {
  hid_t file = open_for_writing(path);
  if (H5Lexists(file, name, H5P_DEFAULT) > 0)
    assert_true(H5Ldelete(file, name, H5P_DEFAULT) >= 0);
  hid_t space = H5Screate_simple(rank, dims, NULL);
  hid_t array = H5Dcreate2(file, name, type, space, H5P_DEFAULT, H5P_DEFAULT,
                           H5P_DEFAULT);
  assert_true(H5Dwrite(array, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) >= 0);
  attach_crc32(array, type, data, (size_t)H5Sget_simple_extent_npoints(space));
  H5Dclose(array);
  H5Sclose(space);
  H5Fclose(file);
}

static void assert_load_fails(const char *path, const char *problem) {
  GError *error = NULL;
  nnlab_dataset *d = nnlab_dataset_load(path, &error);
  if (d) fail_msg("%s loaded; expected '%s'", path, problem);
  fixture_assert_contains(error->message, path);
  fixture_assert_contains(error->message, problem);
  assert_null(strchr(error->message, '\n'));
  g_error_free(error);
}

static void test_load_refuses_missing_and_non_hdf5_files(void **state) {
  (void)state;
  g_autofree char *dir = fixture_make_dir();
  g_autofree char *missing = g_build_filename(dir, "missing.h5", NULL);
  assert_load_fails(missing, "No such file or directory");
  g_autofree char *text = fixture_write(dir, "notes.h5", "x1,x2,y\n1,2,3\n");
  g_autofree char *expected = g_strdup_printf("%s: not an HDF5 file", text);
  assert_load_fails(text, expected);
  fixture_remove_dir(dir);
}

static void test_load_refuses_other_formats_and_newer_versions(void **state) {
  (void)state;
  g_autofree char *dir = fixture_make_dir();
  g_autofree char *path = valid_file(dir);
  set_int_attribute(path, "format_version", 2);
  assert_load_fails(path, "format_version 2 is newer than this nnlab reads");
  set_int_attribute(path, "format_version", 1);
  nnlab_dataset *reloaded = nnlab_dataset_load(path, NULL);
  assert_non_null(reloaded);
  nnlab_dataset_free(reloaded);
  set_int_attribute(path, "format", 1);
  assert_load_fails(path, "attribute 'format' is not a string");
  delete_attribute(path, "format");
  assert_load_fails(path, "not an nnlab dataset (no root attribute 'format')");
  fixture_remove_dir(dir);
}

static void test_load_names_the_array_with_a_wrong_shape(void **state) {
  (void)state;
  g_autofree char *dir = fixture_make_dir();
  g_autofree char *path = valid_file(dir);
  const int32_t three_labels[] = {0, 1, 2};
  hsize_t three[1] = {3};
  replace_array(path, "/y", H5T_NATIVE_INT32, 1, three, three_labels);
  assert_load_fails(path, "/y: 3 rows, but /X has 4");

  const float flat[] = {1, 2, 3, 4};
  hsize_t four[1] = {4};
  replace_array(path, "/X", H5T_NATIVE_FLOAT, 1, four, flat);
  assert_load_fails(path, "/X: rank 1, expected 2 (rows x columns)");

  hid_t file = open_for_writing(path);
  H5Ldelete(file, "/X", H5P_DEFAULT);
  H5Fclose(file);
  assert_load_fails(path, "/X: missing");
  fixture_remove_dir(dir);
}

static void test_load_checks_labels_and_values(void **state) {
  (void)state;
  g_autofree char *dir = fixture_make_dir();
  g_autofree char *path = valid_file(dir);
  const int32_t labels[] = {0, 1, 7, 2};
  hsize_t four[1] = {4};
  replace_array(path, "/y", H5T_NATIVE_INT32, 1, four, labels);
  assert_load_fails(path, "/y: label 7 at row 2 is outside [0, 3)");

  const float float_labels[] = {0, 1, 1, 2};
  replace_array(path, "/y", H5T_NATIVE_FLOAT, 1, four, float_labels);
  assert_load_fails(path, "/y: element type is not an integer");

  const int32_t good[] = {0, 1, 1, 2};
  replace_array(path, "/y", H5T_NATIVE_INT32, 1, four, good);
  const float x[] = {1, NAN, 3, 4};
  hsize_t column[2] = {4, 1};
  replace_array(path, "/X", H5T_NATIVE_FLOAT, 2, column, x);
  assert_load_fails(path, "/X: row 1, column 0 is NaN");

  set_int_attribute(path, "n_classes", 4);
  assert_load_fails(path, "3 class_names for 4 classes");
  fixture_remove_dir(dir);
}

/* Files written by other tools: any numeric X type is converted (and its
 * checksum taken over the values as stored). */
static void test_load_converts_other_numeric_types(void **state) {
  (void)state;
  g_autofree char *dir = fixture_make_dir();
  g_autofree char *path = valid_file(dir);
  const double x[] = {0.25, 1.5, -2, 1e3};
  hsize_t column[2] = {4, 1};
  replace_array(path, "/X", H5T_NATIVE_DOUBLE, 2, column, x);
  const uint8_t labels[] = {2, 2, 0, 1};
  hsize_t four[1] = {4};
  replace_array(path, "/y", H5T_NATIVE_UINT8, 1, four, labels);
  GError *error = NULL;
  nnlab_dataset *d = nnlab_dataset_load(path, &error);
  if (!d) fail_msg("%s", error->message);
  assert_true(d->features[0] == 0.25f && d->features[3] == 1000.0f);
  assert_int_equal(d->labels[0], 2);
  assert_int_equal(d->labels[3], 1);
  nnlab_dataset_free(d);
  fixture_remove_dir(dir);
}

/* Overwrites the values of /name in place, keeping its attributes. */
static void overwrite_values(const char *path, const char *name, hid_t type,
                             const void *data) {
  hid_t file = open_for_writing(path);
  hid_t array = H5Dopen2(file, name, H5P_DEFAULT);
  assert_true(H5Dwrite(array, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) >= 0);
  H5Dclose(array);
  H5Fclose(file);
}

static void delete_array_attribute(const char *path, const char *array_name,
                                   const char *name) {
  hid_t file = open_for_writing(path);
  assert_true(H5Adelete_by_name(file, array_name, name, H5P_DEFAULT) >= 0);
  H5Fclose(file);
}

static void test_load_detects_changed_values_and_missing_checksums(
    void **state) {
  (void)state;
  g_autofree char *dir = fixture_make_dir();
  g_autofree char *path = valid_file(dir);
  const float x[] = {1, 2, 3, 4.5f};
  overwrite_values(path, "/X", H5T_NATIVE_FLOAT, x);
  assert_load_fails(path, "/X: checksum mismatch (the file is damaged)");
  g_autoptr(nnlab_file_check) check = nnlab_file_verify(path, NULL);
  assert_non_null(check);
  assert_int_equal(check->n_arrays, 2);
  assert_string_equal(check->arrays[0].path, "/X");
  assert_int_equal(check->arrays[0].state, NNLAB_ARRAY_DAMAGED);
  assert_int_equal(check->arrays[1].state, NNLAB_ARRAY_OK);
  assert_int_equal(check->n_damaged, 1);

  g_free(valid_file(dir));
  delete_array_attribute(path, "/y", "crc32");
  assert_load_fails(path, "/y: attribute 'crc32' is missing");
  fixture_remove_dir(dir);
}

static void collect_warning(const char *message, void *user_data) {
  g_ptr_array_add(user_data, g_strdup(message));
}

static void test_files_without_checksums_load_with_one_warning(void **state) {
  (void)state;
  g_autofree char *dir = fixture_make_dir();
  g_autofree char *path = valid_file(dir);
  delete_attribute(path, "checksums");
  delete_array_attribute(path, "/X", "crc32");
  delete_array_attribute(path, "/y", "crc32");
  g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
  nnlab_set_warning_handler(collect_warning, warnings);
  GError *error = NULL;
  nnlab_dataset *d = nnlab_dataset_load(path, &error);
  nnlab_set_warning_handler(NULL, NULL);
  if (!d) fail_msg("%s", error->message);
  assert_int_equal(d->labels[3], 2);
  nnlab_dataset_free(d);
  assert_int_equal(warnings->len, 1);
  fixture_assert_contains(g_ptr_array_index(warnings, 0), path);
  fixture_assert_contains(g_ptr_array_index(warnings, 0), "no checksums");

  g_autoptr(nnlab_file_check) check = nnlab_file_verify(path, NULL);
  assert_false(check->checksums);
  assert_int_equal(check->n_unchecked, 2);
  fixture_remove_dir(dir);
}

static void test_saved_files_load_without_a_warning(void **state) {
  (void)state;
  g_autofree char *dir = fixture_make_dir();
  g_autofree char *path = valid_file(dir);
  g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
  nnlab_set_warning_handler(collect_warning, warnings);
  nnlab_dataset *d = nnlab_dataset_load(path, NULL);
  nnlab_set_warning_handler(NULL, NULL);
  assert_non_null(d);
  nnlab_dataset_free(d);
  assert_int_equal(warnings->len, 0);
  g_autoptr(nnlab_file_check) check = nnlab_file_verify(path, NULL);
  assert_true(check->checksums);
  assert_int_equal(check->n_ok, 2);
  fixture_remove_dir(dir);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_regression_round_trip_keeps_values_and_names),
      cmocka_unit_test(test_classification_round_trip_keeps_labels_and_names),
      cmocka_unit_test(test_missing_class_names_are_written_as_indices),
      cmocka_unit_test(test_wide_dataset_keeps_all_feature_names),
      cmocka_unit_test(test_same_data_gives_the_same_bytes),
      cmocka_unit_test(test_save_replaces_an_existing_file),
      cmocka_unit_test(test_failed_saves_leave_nothing_behind),
      cmocka_unit_test(test_load_refuses_missing_and_non_hdf5_files),
      cmocka_unit_test(test_load_refuses_other_formats_and_newer_versions),
      cmocka_unit_test(test_load_names_the_array_with_a_wrong_shape),
      cmocka_unit_test(test_load_checks_labels_and_values),
      cmocka_unit_test(test_load_converts_other_numeric_types),
      cmocka_unit_test(test_load_detects_changed_values_and_missing_checksums),
      cmocka_unit_test(test_files_without_checksums_load_with_one_warning),
      cmocka_unit_test(test_saved_files_load_without_a_warning),
  };
  /* HDF5's error printing stays on: the library must silence its own. */
  return cmocka_run_group_tests(tests, NULL, NULL);
}
