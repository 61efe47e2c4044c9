/* The registry: discovery, validation, shadowing and error reporting, with
 * the deliberately broken plugins of tests/plugins/. The plugin files it
 * makes unsafe (writable by others) are copies in fresh temporary
 * directories, removed afterwards; no shipped file is touched. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <glib/gstdio.h>

#include <nnlab/nnlab.h>

/* The broken plugins first, then the built-in directories. */
static nnlab_registry *registry_with_broken_first(void) {
  char **builtin = nnlab_builtin_plugin_dirs();
  GPtrArray *dirs = g_ptr_array_new();
  g_ptr_array_add(dirs, (gpointer)BROKEN_PLUGIN_DIR);
  for (int i = 0; builtin[i]; i++) g_ptr_array_add(dirs, builtin[i]);
  g_ptr_array_add(dirs, NULL);
  nnlab_registry *registry =
      nnlab_registry_new((const char *const *)dirs->pdata);
  g_ptr_array_unref(dirs);
  g_strfreev(builtin);
  return registry;
}

/* The one warning about file (a basename), or fails. */
static const char *warning_for(const nnlab_registry *registry,
                               const char *file) {
  const char *const *warnings = nnlab_registry_warnings(registry);
  const char *found = NULL;
  for (size_t i = 0; warnings[i]; i++) {
    g_autofree char *first_word = g_strdup(warnings[i]);
    char *colon = strchr(first_word, ':');
    if (colon) *colon = '\0';
    if (g_str_has_suffix(first_word, file)) {
      if (found) fail_msg("two warnings for %s", file);
      found = warnings[i];
    }
  }
  if (!found) fail_msg("no warning names %s", file);
  return found;
}

static void assert_contains(const char *text, const char *part) {
  if (!strstr(text, part)) fail_msg("'%s' does not contain '%s'", text, part);
}

static void test_builtin_plugins_load_cleanly(void **state) {
  (void)state;
  char **builtin = nnlab_builtin_plugin_dirs();
  nnlab_registry *registry = nnlab_registry_new((const char *const *)builtin);
  g_strfreev(builtin);
  const char *const *warnings = nnlab_registry_warnings(registry);
  if (warnings[0]) fail_msg("unexpected warning: %s", warnings[0]);
  assert_non_null(
      nnlab_registry_find(registry, NNLAB_KIND_ACTIVATION, "relu", NULL));
  assert_non_null(nnlab_registry_find(registry, NNLAB_KIND_LOSS, "mse", NULL));
  assert_non_null(
      nnlab_registry_find(registry, NNLAB_KIND_OPTIMIZER, "sgd", NULL));
  /* Kinds are separate namespaces. */
  assert_null(nnlab_registry_find(registry, NNLAB_KIND_LOSS, "relu", NULL));
  nnlab_registry_free(registry);
}

static void test_text_file_named_so_is_skipped(void **state) {
  (void)state;
  nnlab_registry *registry = registry_with_broken_first();
  assert_contains(warning_for(registry, "not_elf.so"),
                  "not an ELF shared object");
  nnlab_registry_free(registry);
}

static void test_library_without_entry_symbol_is_skipped(void **state) {
  (void)state;
  nnlab_registry *registry = registry_with_broken_first();
  assert_contains(warning_for(registry, "no_entry.so"),
                  "missing entry symbol nnlab_plugin_abi");
  nnlab_registry_free(registry);
}

static void test_abi_major_mismatch_names_the_field(void **state) {
  (void)state;
  nnlab_registry *registry = registry_with_broken_first();
  g_autofree char *expected =
      g_strdup_printf("abi_major is %d in the plugin, %d in nnlab",
                      NNLAB_ABI_MAJOR + 1, NNLAB_ABI_MAJOR);
  assert_contains(warning_for(registry, "abi_major.so"), expected);
  nnlab_registry_free(registry);
}

static void test_null_function_pointer_is_skipped(void **state) {
  (void)state;
  nnlab_registry *registry = registry_with_broken_first();
  assert_contains(warning_for(registry, "null_function.so"),
                  "activation.backward is NULL");
  assert_null(nnlab_registry_find(registry, NNLAB_KIND_ACTIVATION,
                                  "null_backward", NULL));
  nnlab_registry_free(registry);
}

static void test_default_outside_range_is_skipped(void **state) {
  (void)state;
  nnlab_registry *registry = registry_with_broken_first();
  assert_contains(warning_for(registry, "bad_default.so"),
                  "hyperparameter 'factor' has its default outside");
  nnlab_registry_free(registry);
}

static void test_first_plugin_on_path_wins_and_shadowed_is_named(void **state) {
  (void)state;
  nnlab_registry *registry = registry_with_broken_first();
  const nnlab_plugin *relu =
      nnlab_registry_find(registry, NNLAB_KIND_ACTIVATION, "relu", NULL);
  assert_non_null(relu);
  assert_string_equal(nnlab_plugin_get_info(relu)->version, "9.9.9");
  assert_true(g_str_has_prefix(nnlab_plugin_get_path(relu), BROKEN_PLUGIN_DIR));
  const char *warning = warning_for(registry, "activations/relu.so");
  assert_contains(warning, "activation 'relu' is shadowed by");
  assert_contains(warning, BROKEN_PLUGIN_DIR "/relu.so");
  nnlab_registry_free(registry);
}

static void test_other_plugins_stay_usable(void **state) {
  (void)state;
  nnlab_registry *registry = registry_with_broken_first();
  const char *names[] = {"sigmoid", "tanh", "identity"};
  for (size_t i = 0; i < G_N_ELEMENTS(names); i++)
    assert_non_null(
        nnlab_registry_find(registry, NNLAB_KIND_ACTIVATION, names[i], NULL));
  assert_non_null(nnlab_registry_find(registry, NNLAB_KIND_LOSS, "mse", NULL));
  /* Six problems: five broken files and one shadowed built-in. */
  const char *const *warnings = nnlab_registry_warnings(registry);
  assert_int_equal(g_strv_length((char **)warnings), 6);
  nnlab_registry_free(registry);
}

static void test_unknown_name_suggests_nearest_and_lists_path(void **state) {
  (void)state;
  nnlab_registry *registry = registry_with_broken_first();
  GError *error = NULL;
  assert_null(
      nnlab_registry_find(registry, NNLAB_KIND_ACTIVATION, "sigmiod", &error));
  assert_non_null(error);
  assert_contains(error->message, "no activation plugin named 'sigmiod'");
  assert_contains(error->message, "did you mean 'sigmoid'?");
  assert_contains(error->message, BROKEN_PLUGIN_DIR);
  g_error_free(error);
  nnlab_registry_free(registry);
}

static void test_plugin_path_environment_comes_first(void **state) {
  (void)state;
  setenv("NNLAB_PLUGIN_PATH", "/nonexistent-nnlab-dir:" BROKEN_PLUGIN_DIR, 1);
  nnlab_registry *registry = nnlab_registry_new_default();
  const char *const *path = nnlab_registry_search_path(registry);
  assert_string_equal(path[0], "/nonexistent-nnlab-dir");
  assert_string_equal(path[1], BROKEN_PLUGIN_DIR);
  assert_contains(warning_for(registry, "/nonexistent-nnlab-dir"),
                  "cannot read plugin directory");
  const char *reason = NULL;
  assert_string_equal(nnlab_registry_skipped_dir(registry, 0, &reason),
                      "/nonexistent-nnlab-dir");
  assert_contains(reason, "cannot read plugin directory");
  const nnlab_plugin *relu =
      nnlab_registry_find(registry, NNLAB_KIND_ACTIVATION, "relu", NULL);
  assert_string_equal(nnlab_plugin_get_info(relu)->version, "9.9.9");
  nnlab_registry_free(registry);
  unsetenv("NNLAB_PLUGIN_PATH");
}

/* A private copy of the test relu plugin in dir; returns its path. */
static char *copy_test_relu(const char *dir) {
  g_autofree char *contents = NULL;
  gsize length = 0;
  assert_true(g_file_get_contents(BROKEN_PLUGIN_DIR "/relu.so", &contents,
                                  &length, NULL));
  char *file = g_build_filename(dir, "relu.so", NULL);
  assert_true(g_file_set_contents(file, contents, (gssize)length, NULL));
  g_chmod(file, 0755);
  return file;
}

/* A private copy of the test relu plugin in a fresh directory. */
static char *copy_plugin_to_temp_dir(char **file) {
  char *dir = g_dir_make_tmp("nnlab-trust-XXXXXX", NULL);
  *file = copy_test_relu(dir);
  return dir;
}

static void remove_temp_plugin(char *dir, char *file) {
  g_remove(file);
  g_rmdir(dir);
  g_free(file);
  g_free(dir);
}

static void test_plugins_writable_by_others_are_refused(void **state) {
  (void)state;
  char *file = NULL;
  char *dir = copy_plugin_to_temp_dir(&file);
  const char *const dirs[] = {dir, NULL};

  g_chmod(file, 0757);
  nnlab_registry *registry = nnlab_registry_new(dirs);
  assert_contains(warning_for(registry, "relu.so"),
                  "refused: it is writable by every user");
  assert_null(
      nnlab_registry_find(registry, NNLAB_KIND_ACTIVATION, "relu", NULL));
  nnlab_registry_free(registry);

  g_chmod(file, 0755);
  g_chmod(dir, 0777);
  registry = nnlab_registry_new(dirs);
  assert_contains(warning_for(registry, dir),
                  "plugin directory refused: it is writable by every user");
  /* Listed for callers that hide warnings, such as nnlab plugins. */
  const char *reason = NULL;
  assert_int_equal(nnlab_registry_n_skipped_dirs(registry), 1);
  assert_string_equal(nnlab_registry_skipped_dir(registry, 0, &reason), dir);
  assert_contains(reason, "refused: it is writable by every user");
  assert_null(nnlab_registry_skipped_dir(registry, 1, NULL));
  nnlab_registry_free(registry);

  /* The documented, unsafe override. */
  g_setenv("NNLAB_ALLOW_INSECURE_PLUGINS", "1", TRUE);
  registry = nnlab_registry_new(dirs);
  assert_non_null(
      nnlab_registry_find(registry, NNLAB_KIND_ACTIVATION, "relu", NULL));
  nnlab_registry_free(registry);
  g_unsetenv("NNLAB_ALLOW_INSECURE_PLUGINS");
  g_chmod(dir, 0700);
  remove_temp_plugin(dir, file);
}

static void test_relative_plugin_path_entries_are_ignored(void **state) {
  (void)state;
  g_setenv("NNLAB_PLUGIN_PATH", "plugins::" BROKEN_PLUGIN_DIR, TRUE);
  nnlab_registry *registry = nnlab_registry_new_default();
  const char *const *path = nnlab_registry_search_path(registry);
  assert_string_equal(path[0], BROKEN_PLUGIN_DIR);
  assert_contains(warning_for(registry, "plugins"),
                  "relative directory in NNLAB_PLUGIN_PATH ignored");
  assert_string_equal(nnlab_registry_skipped_dir(registry, 0, NULL), "plugins");
  nnlab_registry_free(registry);
  g_unsetenv("NNLAB_PLUGIN_PATH");
}

/* The scanner runs in its own process: a plugin that crashes when loaded
 * is reported and cached as broken, and this process goes on. */
static void test_plugin_crashing_on_load_is_reported(void **state) {
  (void)state;
  g_autofree char *cache =
      g_build_filename(g_get_tmp_dir(), "nnlab-scan-test.ini", NULL);
  g_remove(cache);
  g_setenv("NNLAB_PLUGIN_CACHE", cache, TRUE);
  const char *const dirs[] = {CRASH_ON_LOAD_DIR, NULL};
  nnlab_registry *registry = nnlab_registry_new(dirs);
  /* A segmentation fault; an abort in sanitizer builds. */
  const char *warning = warning_for(registry, "crash_on_load.so");
  assert_contains(warning, "crashed with ");
  assert_contains(warning, "while loading in the plugin scanner");
  nnlab_registry_free(registry);
  /* The verdict is cached by path, size and mtime. */
  g_autofree char *contents = NULL;
  assert_true(g_file_get_contents(cache, &contents, NULL, NULL));
  assert_contains(contents, "crash_on_load.so]");
  assert_contains(contents, "broken=crashed with ");
  registry = nnlab_registry_new(dirs);
  assert_contains(warning_for(registry, "crash_on_load.so"), "crashed with");
  nnlab_registry_free(registry);
  g_remove(cache);
  g_unsetenv("NNLAB_PLUGIN_CACHE");
}

/* GLib reads XDG_DATA_HOME once, on first use, so main() points it here
 * before any test runs; the per-user plugin directory is in it. */
static char *data_home;

static char *user_plugin_dir(void) {
  return g_build_filename(data_home, "nnlab", "plugins", NULL);
}

/* The file of the usable relu plugin. */
static const char *relu_file(const nnlab_registry *registry) {
  const nnlab_plugin *relu =
      nnlab_registry_find(registry, NNLAB_KIND_ACTIVATION, "relu", NULL);
  assert_non_null(relu);
  return nnlab_plugin_get_path(relu);
}

/* The test relu plugin in the per-user plugin directory; *state is its
 * path. */
static int setup_user_plugin(void **state) {
  g_autofree char *dir = user_plugin_dir();
  assert_int_equal(g_mkdir_with_parents(dir, 0700), 0);
  *state = copy_test_relu(dir);
  return 0;
}

static int teardown_user_plugin(void **state) {
  g_autofree char *dir = user_plugin_dir();
  g_remove(*state);
  g_rmdir(dir);
  g_free(*state);
  g_unsetenv("NNLAB_PLUGIN_PATH");
  return 0;
}

static void test_missing_user_plugin_dir_is_skipped_silently(void **state) {
  (void)state;
  g_autofree char *dir = user_plugin_dir();
  g_unsetenv("NNLAB_PLUGIN_PATH");
  nnlab_registry *registry = nnlab_registry_new_default();
  assert_string_equal(nnlab_registry_search_path(registry)[0], dir);
  const char *const *warnings = nnlab_registry_warnings(registry);
  if (warnings[0]) fail_msg("unexpected warning: %s", warnings[0]);
  nnlab_registry_free(registry);
}

static void test_user_plugins_come_after_plugin_path(void **state) {
  const char *file = *state;
  g_autofree char *dir = user_plugin_dir();
  g_unsetenv("NNLAB_PLUGIN_PATH");
  nnlab_registry *registry = nnlab_registry_new_default();
  /* Before the built-in directories: the user's relu shadows the built-in. */
  assert_string_equal(relu_file(registry), file);
  assert_contains(warning_for(registry, "activations/relu.so"),
                  "is shadowed by");
  nnlab_registry_free(registry);

  g_setenv("NNLAB_PLUGIN_PATH", BROKEN_PLUGIN_DIR, TRUE);
  registry = nnlab_registry_new_default();
  const char *const *path = nnlab_registry_search_path(registry);
  assert_string_equal(path[0], BROKEN_PLUGIN_DIR);
  assert_string_equal(path[1], dir);
  assert_string_equal(relu_file(registry), BROKEN_PLUGIN_DIR "/relu.so");
  assert_contains(warning_for(registry, file), "is shadowed by");
  nnlab_registry_free(registry);
}

static void test_user_plugins_writable_by_others_are_refused(void **state) {
  const char *file = *state;
  g_chmod(file, 0757);
  g_unsetenv("NNLAB_PLUGIN_PATH");
  nnlab_registry *registry = nnlab_registry_new_default();
  assert_contains(warning_for(registry, file),
                  "refused: it is writable by every user");
  assert_string_not_equal(relu_file(registry), file);
  nnlab_registry_free(registry);
}

int main(void) {
  data_home = g_dir_make_tmp("nnlab-data-XXXXXX", NULL);
  g_setenv("XDG_DATA_HOME", data_home, TRUE);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_builtin_plugins_load_cleanly),
      cmocka_unit_test(test_text_file_named_so_is_skipped),
      cmocka_unit_test(test_library_without_entry_symbol_is_skipped),
      cmocka_unit_test(test_abi_major_mismatch_names_the_field),
      cmocka_unit_test(test_null_function_pointer_is_skipped),
      cmocka_unit_test(test_default_outside_range_is_skipped),
      cmocka_unit_test(test_first_plugin_on_path_wins_and_shadowed_is_named),
      cmocka_unit_test(test_other_plugins_stay_usable),
      cmocka_unit_test(test_unknown_name_suggests_nearest_and_lists_path),
      cmocka_unit_test(test_plugin_path_environment_comes_first),
      cmocka_unit_test(test_plugins_writable_by_others_are_refused),
      cmocka_unit_test(test_relative_plugin_path_entries_are_ignored),
      cmocka_unit_test(test_plugin_crashing_on_load_is_reported),
      cmocka_unit_test(test_missing_user_plugin_dir_is_skipped_silently),
      cmocka_unit_test_setup_teardown(test_user_plugins_come_after_plugin_path,
                                      setup_user_plugin, teardown_user_plugin),
      cmocka_unit_test_setup_teardown(
          test_user_plugins_writable_by_others_are_refused, setup_user_plugin,
          teardown_user_plugin),
  };
  int failed = cmocka_run_group_tests(tests, NULL, NULL);
  g_autofree char *nnlab_dir = g_build_filename(data_home, "nnlab", NULL);
  g_rmdir(nnlab_dir);
  g_rmdir(data_home);
  g_free(data_home);
  return failed;
}
