/* <nnlab/files.h>: inputs must be regular files, outputs replace only new
 * paths and regular files (through a symbolic link, the file it points
 * to), and a refused output leaves everything as it was. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <glib/gstdio.h>

#include <nnlab/nnlab.h>

static char *work_dir;

static int make_work_dir(void **state) {
  (void)state;
  work_dir = g_dir_make_tmp("nnlab-files-XXXXXX", NULL);
  return work_dir ? 0 : -1;
}

/* The work directory holds files, FIFOs, links and one level of
 * directories. */
static int remove_work_dir(void **state) {
  (void)state;
  g_autoptr(GDir) dir = g_dir_open(work_dir, 0, NULL);
  const char *name;
  while (dir && (name = g_dir_read_name(dir))) {
    g_autofree char *path = g_build_filename(work_dir, name, NULL);
    if (g_remove(path) != 0) g_rmdir(path);
  }
  g_rmdir(work_dir);
  g_free(work_dir);
  return 0;
}

static char *path_in_work(const char *name) {
  return g_build_filename(work_dir, name, NULL);
}

static void assert_error_says(GError *error, const char *path,
                              const char *what) {
  assert_non_null(error);
  if (!strstr(error->message, path) || !strstr(error->message, what))
    fail_msg("'%s' does not name '%s' and say '%s'", error->message, path,
             what);
}

static void test_inputs_must_be_regular_files(void **state) {
  (void)state;
  g_autofree char *file = path_in_work("in.csv");
  g_autofree char *fifo = path_in_work("in.fifo");
  g_autofree char *missing = path_in_work("missing.csv");
  assert_true(g_file_set_contents(file, "1,2\n", -1, NULL));
  assert_int_equal(mkfifo(fifo, 0600), 0);
  GError *error = NULL;
  assert_true(nnlab_check_input_file(file, &error));
  assert_false(nnlab_check_input_file(fifo, &error));
  assert_error_says(error, fifo, "is a FIFO, expected a regular file");
  assert_true(g_error_matches(error, NNLAB_ERROR, NNLAB_ERROR_INVALID));
  g_clear_error(&error);
  assert_false(nnlab_check_input_file(work_dir, &error));
  assert_error_says(error, work_dir, "is a directory");
  g_clear_error(&error);
  assert_false(nnlab_check_input_file(missing, &error));
  assert_true(g_error_matches(error, NNLAB_ERROR, NNLAB_ERROR_NOT_FOUND));
  g_clear_error(&error);
}

static void test_a_fifo_dataset_is_refused_without_blocking(void **state) {
  (void)state;
  g_autofree char *fifo = path_in_work("data.h5");
  assert_int_equal(mkfifo(fifo, 0600), 0);
  GError *error = NULL;
  assert_null(nnlab_dataset_load(fifo, &error)); /* would block forever */
  assert_error_says(error, fifo, "is a FIFO");
  g_clear_error(&error);
}

static void test_outputs_replace_only_regular_files(void **state) {
  (void)state;
  g_autofree char *fresh = path_in_work("fresh.csv");
  g_autofree char *fifo = path_in_work("out.fifo");
  g_autofree char *dir = path_in_work("out.dir");
  g_autofree char *dir_link = path_in_work("dir-link.csv");
  g_autofree char *dangling = path_in_work("dangling.csv");
  assert_int_equal(mkfifo(fifo, 0600), 0);
  assert_int_equal(g_mkdir(dir, 0700), 0);
  assert_int_equal(symlink(dir, dir_link), 0);
  assert_int_equal(symlink("nowhere.csv", dangling), 0);
  GError *error = NULL;
  assert_true(nnlab_check_output_file(fresh, &error));
  assert_true(nnlab_replace_file_contents(fresh, "a\n", 2, &error));
  assert_true(nnlab_replace_file_contents(fresh, "b\n", 2, &error));
  const struct {
    const char *path, *what;
  } refused[] = {{fifo, "is a FIFO"},
                 {dir, "is a directory"},
                 {dir_link, "is a symbolic link to a directory"},
                 {dangling, "is a symbolic link to nothing"}};
  for (size_t i = 0; i < G_N_ELEMENTS(refused); i++) {
    assert_false(nnlab_check_output_file(refused[i].path, &error));
    assert_error_says(error, refused[i].path, refused[i].what);
    g_clear_error(&error);
    assert_false(nnlab_replace_file_contents(refused[i].path, "x", 1, &error));
    assert_error_says(error, refused[i].path, refused[i].what);
    g_clear_error(&error);
  }
  struct stat info;
  assert_int_equal(lstat(fifo, &info), 0);
  assert_true(S_ISFIFO(info.st_mode));
  assert_int_equal(lstat(dangling, &info), 0);
  assert_true(S_ISLNK(info.st_mode));
  assert_false(g_file_test(dir_link, G_FILE_TEST_IS_REGULAR));
  /* fresh.csv, the FIFO, the directory and two links: no temporaries. */
  g_autoptr(GDir) listing = g_dir_open(work_dir, 0, NULL);
  guint entries = 0;
  while (g_dir_read_name(listing)) entries++;
  assert_int_equal(entries, 5);
}

static void test_a_link_to_a_regular_file_replaces_that_file(void **state) {
  (void)state;
  g_autofree char *target = path_in_work("target.csv");
  g_autofree char *link = path_in_work("link.csv");
  assert_true(g_file_set_contents(target, "old\n", -1, NULL));
  assert_int_equal(symlink(target, link), 0);
  GError *error = NULL;
  assert_true(nnlab_replace_file_contents(link, "new\n", 4, &error));
  assert_null(error);
  g_autofree char *contents = NULL;
  assert_true(g_file_get_contents(target, &contents, NULL, NULL));
  assert_string_equal(contents, "new\n");
  assert_true(g_file_test(link, G_FILE_TEST_IS_SYMLINK));
}

static void test_output_directories(void **state) {
  (void)state;
  g_autofree char *nested = g_build_filename(work_dir, "a", NULL);
  g_autofree char *file = path_in_work("plain");
  GError *error = NULL;
  assert_true(nnlab_make_output_directory(nested, &error));
  assert_true(nnlab_make_output_directory(nested, &error)); /* exists */
  assert_true(g_file_set_contents(file, "", -1, NULL));
  assert_false(nnlab_make_output_directory(file, &error));
  assert_error_says(error, file, "is a regular file, expected a directory");
  g_clear_error(&error);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_inputs_must_be_regular_files,
                                      make_work_dir, remove_work_dir),
      cmocka_unit_test_setup_teardown(
          test_a_fifo_dataset_is_refused_without_blocking, make_work_dir,
          remove_work_dir),
      cmocka_unit_test_setup_teardown(test_outputs_replace_only_regular_files,
                                      make_work_dir, remove_work_dir),
      cmocka_unit_test_setup_teardown(
          test_a_link_to_a_regular_file_replaces_that_file, make_work_dir,
          remove_work_dir),
      cmocka_unit_test_setup_teardown(test_output_directories, make_work_dir,
                                      remove_work_dir),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
