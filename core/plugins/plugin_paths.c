/* Where the built-in plugins and the plugin scanner are: beside this copy
 * of libnnlab.so, or in the build tree when the library runs from there.
 * Paths only; it looks nothing up on disk beyond resolving the library. */
#include "nnlab_config.h"

#include <dlfcn.h>
#include <stdlib.h>

#include <nnlab/registry.h>

#include "plugins/plugin_scan.h"

static const char *const kind_dirs[] = {"activations", "losses", "optimizers"};

/* Where this copy of libnnlab.so lives, resolved through symlinks. */
static char *library_dir(void) {
  Dl_info info;
  if (!dladdr((void *)nnlab_builtin_plugin_dirs, &info) || !info.dli_fname)
    return NULL;
  char *real = realpath(info.dli_fname, NULL);
  if (!real) return NULL;
  char *dir = g_path_get_dirname(real);
  free(real);
  return dir;
}

static gboolean same_directory(const char *a, const char *b) {
  char *ra = realpath(a, NULL), *rb = realpath(b, NULL);
  gboolean same = ra && rb && g_strcmp0(ra, rb) == 0;
  free(ra);
  free(rb);
  return same;
}

char **nnlab_builtin_plugin_dirs(void) {
  g_autofree char *lib_dir = library_dir();
  g_autofree char *root = NULL;
  if (lib_dir && same_directory(lib_dir, NNLAB_BUILD_CORE_DIR))
    root = g_strdup(NNLAB_BUILD_PLUGIN_ROOT);
  else
    root = g_build_filename(lib_dir ? lib_dir : ".", NNLAB_PLUGIN_SUBDIR, NULL);
  char **dirs = g_new0(char *, G_N_ELEMENTS(kind_dirs) + 1);
  for (size_t i = 0; i < G_N_ELEMENTS(kind_dirs); i++)
    dirs[i] = g_build_filename(root, kind_dirs[i], NULL);
  return dirs;
}

char *plugin_scanner_path(void) {
  g_autofree char *lib_dir = library_dir();
  if (lib_dir && same_directory(lib_dir, NNLAB_BUILD_CORE_DIR))
    return g_build_filename(NNLAB_BUILD_CORE_DIR, "nnlab-plugin-scanner", NULL);
  return g_build_filename(lib_dir ? lib_dir : ".", NNLAB_SCANNER_SUBPATH, NULL);
}
