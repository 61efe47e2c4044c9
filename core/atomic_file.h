/* Replacing a file so that readers, and a crash at any moment, see either
 * the old file or the complete new one: write a temporary file in the same
 * directory, fsync it, rename it over the target, fsync the directory. */
#ifndef NNLAB_ATOMIC_FILE_H
#define NNLAB_ATOMIC_FILE_H

#include <nnlab/common.h>

/* Writes the whole file at temporary_path (which exists, empty). */
typedef gboolean (*atomic_file_writer)(const char *temporary_path,
                                       const void *data, GError **error);

/* Runs writer on a temporary file beside path and replaces path with it.
 * On failure the temporary file is removed and path is untouched. Errors
 * are prefixed with path. */
gboolean atomic_file_replace(const char *path, atomic_file_writer writer,
                             const void *data, GError **error);

#endif
