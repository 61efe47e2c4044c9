/* Scratch files for the dataset tests (dataset_fixtures.h): a temporary
 * directory, plain and gzip files in it, and a substring assertion. It
 * holds no test of its own and reads no dataset. */
#include "dataset_fixtures.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>
#include <glib/gstdio.h>
#include <zlib.h>

char *fixture_make_dir(void) {
  char *dir = g_dir_make_tmp("nnlab-dataset-test-XXXXXX", NULL);
  assert_non_null(dir);
  return dir;
}

void fixture_remove_dir(const char *dir) {
  GDir *handle = g_dir_open(dir, 0, NULL);
  const char *name;
  while (handle && (name = g_dir_read_name(handle))) {
    g_autofree char *path = g_build_filename(dir, name, NULL);
    g_unlink(path);
  }
  if (handle) g_dir_close(handle);
  g_rmdir(dir);
}

char *fixture_write(const char *dir, const char *name, const char *contents) {
  char *path = g_build_filename(dir, name, NULL);
  assert_true(g_file_set_contents(path, contents, -1, NULL));
  return path;
}

char *fixture_write_gzip(const char *dir, const char *name, const void *data,
                         size_t size) {
  char *path = g_build_filename(dir, name, NULL);
  gzFile file = gzopen(path, "wb");
  assert_non_null(file);
  if (size > 0) assert_int_equal(gzwrite(file, data, (unsigned)size), size);
  assert_int_equal(gzclose(file), Z_OK);
  return path;
}

guint fixture_count_files(const char *dir) {
  GDir *handle = g_dir_open(dir, 0, NULL);
  assert_non_null(handle);
  guint count = 0;
  while (g_dir_read_name(handle)) count++;
  g_dir_close(handle);
  return count;
}

void fixture_assert_contains(const char *text, const char *part) {
  if (!text || !strstr(text, part))
    fail_msg("'%s' does not contain '%s'", text ? text : "(null)", part);
}
