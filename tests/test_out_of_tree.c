/* A plugin built outside the tree with pkg-config's flags, against the
 * public header only, is found through NNLAB_PLUGIN_PATH and passes the
 * same gradient check as the built-in activations. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>

#include <cmocka.h>

#include <glib/gstdio.h>
#include <nnlab/nnlab.h>

#include "support/gradcheck.h"

static char *plugin_dir;

static int build_plugin(void **state) {
  (void)state;
  plugin_dir = g_dir_make_tmp("nnlab-oot-XXXXXX", NULL);
  g_autofree char *command = g_strdup_printf(
      "PKG_CONFIG_PATH='%s' && export PKG_CONFIG_PATH && "
      "'%s' -shared -fPIC -Wall -Wextra -Werror "
      "$(pkg-config --cflags nnlab-uninstalled) '%s' -o '%s/softsign.so'",
      UNINSTALLED_PKGCONFIG_DIR, C_COMPILER, SOFTSIGN_SOURCE, plugin_dir);
  g_autofree char *output = NULL;
  int wait_status = 0;
  GError *error = NULL;
  const char *argv[] = {"/bin/sh", "-c", command, NULL};
  if (!g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL,
                    NULL, &output, NULL, &wait_status, &error))
    fail_msg("%s", error->message);
  if (!g_spawn_check_wait_status(wait_status, NULL))
    fail_msg("building the plugin failed: %s", command);
  return 0;
}

static int remove_plugin(void **state) {
  (void)state;
  g_autofree char *file = g_build_filename(plugin_dir, "softsign.so", NULL);
  g_remove(file);
  g_rmdir(plugin_dir);
  g_free(plugin_dir);
  return 0;
}

static void test_found_through_plugin_path(void **state) {
  (void)state;
  g_setenv("NNLAB_PLUGIN_PATH", plugin_dir, TRUE);
  nnlab_registry *registry = nnlab_registry_new_default();
  GError *error = NULL;
  const nnlab_plugin *plugin =
      nnlab_registry_find(registry, NNLAB_KIND_ACTIVATION, "softsign", &error);
  if (!plugin) fail_msg("%s", error->message);
  assert_true(g_str_has_prefix(nnlab_plugin_get_path(plugin), plugin_dir));
  nnlab_registry_free(registry);
}

static void test_passes_the_gradient_check(void **state) {
  (void)state;
  g_setenv("NNLAB_PLUGIN_PATH", plugin_dir, TRUE);
  nnlab_registry *registry = nnlab_registry_new_default();
  const nnlab_plugin_info *info = nnlab_plugin_get_info(
      nnlab_registry_find(registry, NNLAB_KIND_ACTIVATION, "softsign", NULL));
  const float x[] = {-1000, -30, -5, -1, -1e-3f, 1e-3f, 0.5f, 1, 5, 30, 1000};
  char message[256];
  if (!gradcheck_activation(info, NULL, x, 1, G_N_ELEMENTS(x), 1e-4, 1e-3,
                            message, sizeof message))
    fail_msg("%s", message);
  nnlab_registry_free(registry);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_found_through_plugin_path),
      cmocka_unit_test(test_passes_the_gradient_check),
  };
  return cmocka_run_group_tests(tests, build_plugin, remove_plugin);
}
