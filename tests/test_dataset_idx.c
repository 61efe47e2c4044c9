/* IDX import: small MNIST-style files written by the test, gzip-compressed
 * and plain, and the damaged variants the importer must refuse. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

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

static void append_be32(GByteArray *bytes, uint32_t value) {
  guint8 be[4] = {value >> 24, value >> 16, value >> 8, value};
  g_byte_array_append(bytes, be, 4);
}

/* n images of 2 x 3 pixels: image i has pixels 40 * i + p for p = 0..5. */
static GByteArray *images_idx(uint32_t magic, uint32_t n_header,
                              uint32_t n_data) {
  GByteArray *bytes = g_byte_array_new();
  append_be32(bytes, magic);
  append_be32(bytes, n_header);
  append_be32(bytes, 2);
  append_be32(bytes, 3);
  for (uint32_t i = 0; i < n_data; i++)
    for (guint8 p = 0; p < 6; p++) {
      guint8 pixel = (guint8)(40 * i + p);
      g_byte_array_append(bytes, &pixel, 1);
    }
  return bytes;
}

static GByteArray *labels_idx(const guint8 *labels, uint32_t n) {
  GByteArray *bytes = g_byte_array_new();
  append_be32(bytes, 0x00000801);
  append_be32(bytes, n);
  g_byte_array_append(bytes, labels, n);
  return bytes;
}

static char *write_gzip(const char *name, GByteArray *bytes) {
  char *path = fixture_write_gzip(dir, name, bytes->data, bytes->len);
  g_byte_array_unref(bytes);
  return path;
}

static char *write_plain(const char *name, GByteArray *bytes) {
  char *path = g_build_filename(dir, name, NULL);
  assert_true(
      g_file_set_contents(path, (const char *)bytes->data, bytes->len, NULL));
  g_byte_array_unref(bytes);
  return path;
}

static const guint8 five_labels[] = {3, 0, 9, 1, 3};

static void test_gzip_files_import_scaled(void **state) {
  (void)state;
  g_autofree char *images =
      write_gzip("images.gz", images_idx(0x00000803, 5, 5));
  g_autofree char *labels = write_gzip("labels.gz", labels_idx(five_labels, 5));
  GError *error = NULL;
  nnlab_dataset *d = nnlab_dataset_import_idx(images, labels, NULL, &error);
  if (!d) fail_msg("%s", error->message);
  assert_int_equal(d->task, NNLAB_TASK_CLASSIFICATION);
  assert_int_equal(d->n_rows, 5);
  assert_int_equal(d->n_features, 6);
  assert_int_equal(d->n_classes, 10);
  assert_true(d->features[0] == 0.0f);
  assert_true(d->features[6 * 4 + 5] == 165.0f / 255.0f);
  assert_int_equal(d->labels[2], 9);
  assert_string_equal(d->class_names[9], "9");
  nnlab_dataset_free(d);
}

static void test_plain_files_keep_pixel_values_and_names(void **state) {
  (void)state;
  g_autofree char *images =
      write_plain("images.idx", images_idx(0x00000803, 5, 5));
  g_autofree char *labels =
      write_plain("labels.idx", labels_idx(five_labels, 5));
  const char *names[] = {"a", "b", "c", "d", "e", "f",
                         "g", "h", "i", "j", NULL};
  nnlab_idx_options options = {
      .keep_pixel_values = TRUE, .class_names = names, .source = "test"};
  nnlab_dataset *d = nnlab_dataset_import_idx(images, labels, &options, NULL);
  assert_non_null(d);
  assert_true(d->features[6 * 4 + 5] == 165.0f);
  assert_string_equal(d->class_names[9], "j");
  assert_string_equal(d->source, "test");
  nnlab_dataset_free(d);
}

static void assert_import_fails(const char *images, const char *labels,
                                const nnlab_idx_options *options,
                                const char *problem) {
  GError *error = NULL;
  nnlab_dataset *d = nnlab_dataset_import_idx(images, labels, options, &error);
  if (d) fail_msg("imported; expected '%s'", problem);
  fixture_assert_contains(error->message, problem);
  g_error_free(error);
}

static void test_wrong_magic_is_named(void **state) {
  (void)state;
  g_autofree char *images =
      write_gzip("images.gz", images_idx(0x00000803, 5, 5));
  g_autofree char *labels = write_gzip("labels.gz", labels_idx(five_labels, 5));
  g_autofree char *expected = g_strdup_printf(
      "%s: magic number 0x00000801, expected 0x00000803 (unsigned-byte "
      "images: count x rows x columns) (an IDX labels file?)",
      labels);
  assert_import_fails(labels, images, NULL, expected);
  g_autofree char *floats =
      write_gzip("floats.gz", images_idx(0x00000d03, 5, 5));
  assert_import_fails(floats, labels, NULL, "magic number 0x00000d03");
}

static void test_truncated_files_say_how_much_is_missing(void **state) {
  (void)state;
  g_autofree char *images =
      write_gzip("short.gz", images_idx(0x00000803, 5, 3));
  g_autofree char *labels = write_gzip("labels.gz", labels_idx(five_labels, 5));
  g_autofree char *expected = g_strdup_printf(
      "%s: truncated: expected 30 bytes of data after the 16-byte header, "
      "found 18",
      images);
  assert_import_fails(images, labels, NULL, expected);

  GByteArray *cut = labels_idx(five_labels, 5);
  g_byte_array_set_size(cut, 6);
  g_autofree char *cut_labels = write_plain("cut.idx", cut);
  g_autofree char *good_images =
      write_gzip("images.gz", images_idx(0x00000803, 5, 5));
  assert_import_fails(good_images, cut_labels, NULL,
                      "truncated IDX header: 6 of 8 bytes");
}

static void test_extra_bytes_are_refused(void **state) {
  (void)state;
  g_autofree char *images = write_gzip("long.gz", images_idx(0x00000803, 4, 5));
  const guint8 four[] = {1, 2, 3, 4};
  g_autofree char *labels = write_gzip("labels.gz", labels_idx(four, 4));
  assert_import_fails(images, labels, NULL,
                      "6 bytes after the 40 the header describes");
}

static void test_counts_must_agree(void **state) {
  (void)state;
  g_autofree char *images =
      write_gzip("images.gz", images_idx(0x00000803, 5, 5));
  const guint8 four[] = {1, 2, 3, 4};
  g_autofree char *labels = write_gzip("four.gz", labels_idx(four, 4));
  g_autofree char *expected =
      g_strdup_printf("%s has 5 images but %s has 4 labels", images, labels);
  assert_import_fails(images, labels, NULL, expected);
}

static void test_labels_beyond_the_classes_are_refused(void **state) {
  (void)state;
  g_autofree char *images =
      write_gzip("images.gz", images_idx(0x00000803, 5, 5));
  g_autofree char *labels = write_gzip("labels.gz", labels_idx(five_labels, 5));
  const char *names[] = {"a", "b", "c", NULL};
  nnlab_idx_options options = {.class_names = names};
  assert_import_fails(images, labels, &options,
                      "label 3 at index 0 is outside [0, 3)");
  const guint8 big[] = {0, 12, 1, 2, 3};
  g_autofree char *more = write_gzip("more.gz", labels_idx(big, 5));
  nnlab_dataset *d = nnlab_dataset_import_idx(images, more, NULL, NULL);
  assert_int_equal(d->n_classes, 13);
  nnlab_dataset_free(d);
}

static void test_missing_and_empty_files_are_named(void **state) {
  (void)state;
  g_autofree char *missing = g_build_filename(dir, "absent.gz", NULL);
  g_autofree char *labels = write_gzip("labels.gz", labels_idx(five_labels, 5));
  assert_import_fails(missing, labels, NULL, "No such file or directory");
  g_autofree char *empty = fixture_write(dir, "empty.idx", "");
  g_autofree char *expected =
      g_strdup_printf("%s: 0 bytes, too short for an IDX file", empty);
  assert_import_fails(empty, labels, NULL, expected);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_gzip_files_import_scaled),
      cmocka_unit_test(test_plain_files_keep_pixel_values_and_names),
      cmocka_unit_test(test_wrong_magic_is_named),
      cmocka_unit_test(test_truncated_files_say_how_much_is_missing),
      cmocka_unit_test(test_extra_bytes_are_refused),
      cmocka_unit_test(test_counts_must_agree),
      cmocka_unit_test(test_labels_beyond_the_classes_are_refused),
      cmocka_unit_test(test_missing_and_empty_files_are_named),
  };
  return cmocka_run_group_tests(tests, make_dir, remove_dir);
}
