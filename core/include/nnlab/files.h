/* The files nnlab reads and writes are regular files.
 *
 * An input that is a FIFO, a device, a socket or a directory is refused
 * before it is opened: reading a FIFO would block forever, and a device is
 * not data. An output replaces only a regular file, atomically (a temporary
 * file beside it, synced, renamed over it), or creates a new one; it never
 * replaces a device, FIFO, socket or directory, so `-o /dev/null` run as
 * root cannot turn /dev/null into a regular file. An output path that is a
 * symbolic link to a regular file replaces the file the link points to and
 * keeps the link; a link to anything else, or to nothing, is refused.
 *
 * Writes that fail (a full disk, a file size limit) are errors that leave
 * the previous file intact. Under a file size limit the kernel sends
 * SIGXFSZ, which kills the process unless it is ignored; the library does
 * not change signal dispositions, so a program that wants the error
 * (EFBIG) instead ignores SIGXFSZ itself, as the nnlab command does. */
#ifndef NNLAB_FILES_H
#define NNLAB_FILES_H

#include <nnlab/common.h>

G_BEGIN_DECLS

/* FALSE with an error naming path when it does not exist (NOT_FOUND),
 * cannot be examined (IO) or is not a regular file after following
 * symbolic links (INVALID: "x: is a FIFO, expected a regular file"). */
NNLAB_API gboolean nnlab_check_input_file(const char *path, GError **error);

/* FALSE with an error naming path unless writing path would create a new
 * file or replace a regular file (INVALID: "x: is a character device,
 * expected a new file or a regular file to replace"). Call it before
 * spending time on what will be written; the writers check again. */
NNLAB_API gboolean nnlab_check_output_file(const char *path, GError **error);

/* Creates directory path and its parents as needed; FALSE with an error
 * naming path if it is something other than a directory (or a symbolic
 * link to one), or cannot be created or written. */
NNLAB_API gboolean nnlab_make_output_directory(const char *path,
                                               GError **error);

/* Writes the whole file at temporary_path, which exists and is empty. */
typedef gboolean (*nnlab_file_writer)(const char *temporary_path,
                                      const void *data, GError **error);

/* Runs writer on a temporary file beside path and renames it over path,
 * after nnlab_check_output_file's checks. On failure the temporary file is
 * removed and path is untouched. Errors are prefixed with path. */
NNLAB_API gboolean nnlab_replace_file(const char *path,
                                      nnlab_file_writer writer,
                                      const void *data, GError **error);

/* nnlab_replace_file with length bytes of contents. */
NNLAB_API gboolean nnlab_replace_file_contents(const char *path,
                                               const char *contents,
                                               size_t length, GError **error);

G_END_DECLS

#endif
