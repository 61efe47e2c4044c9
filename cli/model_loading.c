/* Loading a model file or checkpoint for a command: the library returns
 * plugin-version warnings and never prints; this prints them on stderr, or
 * with --strict-versions turns the first into an error. */
#include "model_loading.h"

#include <stdio.h>

nnlab_model_file *load_model_file(const char *path,
                                  const nnlab_registry *registry,
                                  gboolean strict_versions, GError **error) {
  nnlab_model_file *f = nnlab_model_file_load(path, registry, error);
  if (!f || !f->warnings[0]) return f;
  if (strict_versions) {
    g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_PLUGIN,
                "%s (--strict-versions)", f->warnings[0]);
    nnlab_model_file_free(f);
    return NULL;
  }
  for (size_t i = 0; f->warnings[i]; i++)
    fprintf(stderr, "nnlab: warning: %s\n", f->warnings[i]);
  return f;
}
