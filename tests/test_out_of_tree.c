/* Plugins built outside the tree with pkg-config's flags, against the
 * public header only, are found through NNLAB_PLUGIN_PATH and pass the same
 * gradient check as the built-in activations. They are compiled into a
 * temporary directory at test time; nothing is installed. */

/* One of them (log_sigmoid) calls the host's vector math, left undefined
 * in the plugin and resolved from libnnlab when it is loaded. A plugin of
 * an older ABI minor loads; one of a newer minor is refused. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <glib/gstdio.h>
#include <nnlab/nnlab.h>

#include "support/gradcheck.h"

static const char *const plugin_names[] = {"softsign", "log_sigmoid"};

static char *plugin_dir;

static char *source_of(const char *name) {
  if (g_str_equal(name, "softsign")) return g_strdup(SOFTSIGN_SOURCE);
  return g_strdup_printf("%s/examples/plugins/%s.c", SOURCE_ROOT, name);
}

/* Compiles source into plugin_dir/name.so with pkg-config's flags and any
 * extra flags. */
static void build(const char *source, const char *name, const char *flags) {
  g_autofree char *command = g_strdup_printf(
      "PKG_CONFIG_PATH='%s' && export PKG_CONFIG_PATH && "
      "'%s' -shared -fPIC -Wall -Wextra -Werror %s "
      "$(pkg-config --cflags nnlab-uninstalled) '%s' -o '%s/%s.so'",
      UNINSTALLED_PKGCONFIG_DIR, C_COMPILER, flags, source, plugin_dir, name);
  g_autofree char *output = NULL;
  int wait_status = 0;
  GError *error = NULL;
  const char *argv[] = {"/bin/sh", "-c", command, NULL};
  if (!g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL,
                    NULL, &output, NULL, &wait_status, &error))
    fail_msg("%s", error->message);
  if (!g_spawn_check_wait_status(wait_status, NULL))
    fail_msg("building the plugin failed: %s", command);
}

#define ABI_MINOR_SOURCE SOURCE_ROOT "/tests/support/abi_minor_plugin.c"

static int build_plugins(void **state) {
  (void)state;
  plugin_dir = g_dir_make_tmp("nnlab-oot-XXXXXX", NULL);
  for (size_t i = 0; i < G_N_ELEMENTS(plugin_names); i++) {
    g_autofree char *source = source_of(plugin_names[i]);
    build(source, plugin_names[i], "");
  }
  build(ABI_MINOR_SOURCE, "older_minor",
        "-DPLUGIN_ABI_MINOR=0 -DPLUGIN_NAME='\"older_minor\"'");
  g_autofree char *newer =
      g_strdup_printf("-DPLUGIN_ABI_MINOR=%d -DPLUGIN_NAME='\"newer_minor\"'",
                      NNLAB_ABI_MINOR + 1);
  build(ABI_MINOR_SOURCE, "newer_minor", newer);
  return 0;
}

static int remove_plugins(void **state) {
  (void)state;
  const char *const files[] = {"softsign.so", "log_sigmoid.so",
                               "older_minor.so", "newer_minor.so"};
  for (size_t i = 0; i < G_N_ELEMENTS(files); i++) {
    g_autofree char *file = g_build_filename(plugin_dir, files[i], NULL);
    g_remove(file);
  }
  g_rmdir(plugin_dir);
  g_free(plugin_dir);
  return 0;
}

static void test_found_through_plugin_path(void **state) {
  (void)state;
  g_setenv("NNLAB_PLUGIN_PATH", plugin_dir, TRUE);
  nnlab_registry *registry = nnlab_registry_new_default();
  for (size_t i = 0; i < G_N_ELEMENTS(plugin_names); i++) {
    GError *error = NULL;
    const nnlab_plugin *plugin = nnlab_registry_find(
        registry, NNLAB_KIND_ACTIVATION, plugin_names[i], &error);
    if (!plugin) fail_msg("%s", error->message);
    assert_true(g_str_has_prefix(nnlab_plugin_get_path(plugin), plugin_dir));
  }
  nnlab_registry_free(registry);
}

static void test_passes_the_gradient_check(void **state) {
  (void)state;
  g_setenv("NNLAB_PLUGIN_PATH", plugin_dir, TRUE);
  nnlab_registry *registry = nnlab_registry_new_default();
  const float x[] = {-1000, -30, -5, -1, -1e-3f, 1e-3f, 0.5f, 1, 5, 30, 1000};
  for (size_t i = 0; i < G_N_ELEMENTS(plugin_names); i++) {
    const nnlab_plugin_info *info = nnlab_plugin_get_info(nnlab_registry_find(
        registry, NNLAB_KIND_ACTIVATION, plugin_names[i], NULL));
    char message[256];
    if (!gradcheck_activation(info, NULL, x, 1, G_N_ELEMENTS(x), 1e-4, 1e-3,
                              message, sizeof message))
      fail_msg("%s", message);
  }
  nnlab_registry_free(registry);
}

/* log_sigmoid through the host's nnlab_vec_softplus: within its documented
 * bound (2 ulp, plugin.h) of libm, and exact in the saturated tails. */
static void test_uses_the_vector_math(void **state) {
  (void)state;
  g_setenv("NNLAB_PLUGIN_PATH", plugin_dir, TRUE);
  nnlab_registry *registry = nnlab_registry_new_default();
  const nnlab_plugin_info *info = nnlab_plugin_get_info(nnlab_registry_find(
      registry, NNLAB_KIND_ACTIVATION, "log_sigmoid", NULL));
  const float x[] = {-1000, -30,  -5, -1, -1e-3f, 0,
                     1e-3f, 0.5f, 1,  5,  30,     1000};
  float y[G_N_ELEMENTS(x)];
  assert_int_equal(info->activation.forward(x, y, 1, G_N_ELEMENTS(x), NULL),
                   NNLAB_STATUS_OK);
  for (size_t i = 0; i < G_N_ELEMENTS(x); i++) {
    double expected = -log1p(exp(-(double)x[i]));
    if (!(fabs(y[i] - expected) <= 2.5e-7 * fabs(expected)))
      fail_msg("log_sigmoid(%g) = %.9g, expected %.9g", (double)x[i],
               (double)y[i], expected);
  }
  assert_true(y[0] == -1000.0f);
  assert_true(y[G_N_ELEMENTS(x) - 1] == 0.0f);
  nnlab_registry_free(registry);
}

/* The host accepts the same ABI major with a minor up to its own. */
static void test_abi_minor(void **state) {
  (void)state;
  assert_true(NNLAB_ABI_MINOR >= 1); /* the vector math came with minor 1 */
  g_setenv("NNLAB_PLUGIN_PATH", plugin_dir, TRUE);
  nnlab_registry *registry = nnlab_registry_new_default();
  GError *error = NULL;
  if (!nnlab_registry_find(registry, NNLAB_KIND_ACTIVATION, "older_minor",
                           &error))
    fail_msg("%s", error->message);
  assert_null(nnlab_registry_find(registry, NNLAB_KIND_ACTIVATION,
                                  "newer_minor", NULL));
  g_autofree char *expected =
      g_strdup_printf("abi_minor is %d in the plugin, nnlab supports up to %d",
                      NNLAB_ABI_MINOR + 1, NNLAB_ABI_MINOR);
  const char *const *warnings = nnlab_registry_warnings(registry);
  bool found = false;
  for (size_t i = 0; warnings[i]; i++)
    if (strstr(warnings[i], "newer_minor.so") && strstr(warnings[i], expected))
      found = true;
  if (!found) fail_msg("no warning says '%s'", expected);
  nnlab_registry_free(registry);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_found_through_plugin_path),
      cmocka_unit_test(test_passes_the_gradient_check),
      cmocka_unit_test(test_uses_the_vector_math),
      cmocka_unit_test(test_abi_minor),
  };
  return cmocka_run_group_tests(tests, build_plugins, remove_plugins);
}
