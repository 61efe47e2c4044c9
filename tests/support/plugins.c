/* Access to the built-in plugins from tests (plugins.h): one registry over
 * the built-in plugin directories, made on first use and freed at exit. It
 * ignores NNLAB_PLUGIN_PATH, so a test never sees a user's plugins. */
#include "plugins.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

static nnlab_registry *shared_registry;

static void free_shared_registry(void) {
  nnlab_registry_free(shared_registry);
}

const nnlab_registry *test_registry(void) {
  if (!shared_registry) {
    char **dirs = nnlab_builtin_plugin_dirs();
    shared_registry = nnlab_registry_new((const char *const *)dirs);
    g_strfreev(dirs);
    atexit(free_shared_registry);
  }
  return shared_registry;
}

const nnlab_plugin_info *test_plugin(nnlab_plugin_kind kind, const char *name) {
  GError *error = NULL;
  const nnlab_plugin *plugin =
      nnlab_registry_find(test_registry(), kind, name, &error);
  if (!plugin) fail_msg("%s", error->message);
  return nnlab_plugin_get_info(plugin);
}
