/* INI files with --set SECTION.KEY=VALUE overrides applied, shared by run
 * configs and compare specs. */
#ifndef NNLAB_KEY_FILE_OVERRIDES_H
#define NNLAB_KEY_FILE_OVERRIDES_H

#include <glib.h>

/* Parses INI text (path names it in errors; comments kept), then applies
 * the overrides; *overridden receives the set of "section.key" they set.
 * A key given twice in a section, or a section given twice, is an error
 * naming the line (GKeyFile would keep the last silently).
 * An override GKeyFile cannot hold (a bad section or key name, a value
 * over several lines, invalid UTF-8) is an error naming it; example is a
 * valid override shown in the error for a malformed one. */
GKeyFile *key_file_load_with_overrides(const char *text, const char *path,
                                       const char *const *overrides,
                                       const char *example,
                                       GHashTable **overridden, GError **error);

#endif
