/* Replacing a file so that readers, and a crash at any moment, see either
 * the old file or the complete new one: write a temporary file in the same
 * directory, fsync it, rename it over the target, fsync the directory. */
#ifndef NNLAB_ATOMIC_FILE_H
#define NNLAB_ATOMIC_FILE_H

#include <nnlab/files.h>

/* Writes the whole file at temporary_path (which exists, empty). */
typedef nnlab_file_writer atomic_file_writer;

/* Runs writer on a temporary file beside path and replaces path with it.
 * Only a new path or a regular file is replaced; a symbolic link to a
 * regular file replaces that file (output_file.h); anything else is an
 * error before anything is written. On failure the temporary file is
 * removed and path is untouched. Errors are prefixed with path. */
gboolean atomic_file_replace(const char *path, atomic_file_writer writer,
                             const void *data, GError **error);

/* Writes size bytes over the existing file at path (truncating it): an
 * error, not a short file, when the disk is full or a file size limit is
 * reached (with SIGXFSZ ignored). */
gboolean atomic_file_write_all(const char *path, const void *bytes, size_t size,
                               GError **error);

#endif
