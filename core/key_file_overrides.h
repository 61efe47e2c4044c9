/* --set SECTION.KEY=VALUE overrides applied to a GKeyFile, shared by run
 * configs and compare specs. */
#ifndef NNLAB_KEY_FILE_OVERRIDES_H
#define NNLAB_KEY_FILE_OVERRIDES_H

#include <glib.h>

/* Sets each override in file and adds "section.key" to overridden (a set
 * of owned strings). An override GKeyFile cannot hold (a bad section or key
 * name, a value over several lines, invalid UTF-8) is an error naming it;
 * example is a valid override shown in the error for a malformed one. */
gboolean key_file_apply_overrides(GKeyFile *file, const char *const *overrides,
                                  const char *example, GHashTable *overridden,
                                  GError **error);

#endif
