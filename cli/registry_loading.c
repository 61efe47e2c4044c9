/* The default plugin registry for a command: the library returns what
 * its scan found wrong (a broken plugin, a refused directory) and never
 * prints; this prints it on stderr unless told to be quiet. */
#include "registry_loading.h"

#include <stdio.h>

nnlab_registry *open_registry(gboolean quiet_warnings) {
  nnlab_registry *registry = nnlab_registry_new_default();
  const char *const *warnings = nnlab_registry_warnings(registry);
  for (size_t i = 0; !quiet_warnings && warnings[i]; i++)
    fprintf(stderr, "nnlab: warning: %s\n", warnings[i]);
  return registry;
}
