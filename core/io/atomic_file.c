/* Replacing a file atomically (atomic_file.h): a temporary beside the
 * target, fsync, rename, fsync of the directory. It decides nothing about
 * which paths may be replaced (output_file.c does) and never leaves a
 * partial target behind, only a temporary removed on failure. */
#include "io/atomic_file.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "io/output_file.h"

static gboolean sync_path(const char *path, int flags, gboolean is_directory,
                          GError **error) {
  int fd = open(path, flags | O_CLOEXEC);
  /* Some file systems cannot sync a directory; the rename is done anyway. */
  gboolean ok =
      fd >= 0 && (fsync(fd) == 0 || (is_directory && errno == EINVAL));
  int saved = errno;
  if (fd >= 0) close(fd);
  if (!ok)
    g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_IO, "cannot sync %s: %s",
                is_directory ? "the directory" : "the file", g_strerror(saved));
  return ok;
}

/* Creates an empty temporary file beside path; returns its name. */
static char *create_temporary(const char *path, GError **error) {
  g_autofree char *dir = g_path_get_dirname(path);
  g_autofree char *base = g_path_get_basename(path);
  g_autofree char *name = g_strdup_printf(".%s.XXXXXX", base);
  char *template = g_build_filename(dir, name, NULL);
  /* 0666 less the umask, as for any new file. */
  int fd = g_mkstemp_full(template, O_RDWR | O_CLOEXEC, 0666);
  if (fd < 0) {
    g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_IO,
                "cannot create a temporary file in %s: %s", dir,
                g_strerror(errno));
    g_free(template);
    return NULL;
  }
  close(fd);
  return template;
}

static gboolean replace_target(const char *temporary, const char *path,
                               GError **error) {
  if (!sync_path(temporary, O_RDONLY, FALSE, error)) return FALSE;
  if (g_rename(temporary, path) != 0) {
    g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_IO, "cannot replace: %s",
                g_strerror(errno));
    return FALSE;
  }
  g_autofree char *dir = g_path_get_dirname(path);
  return sync_path(dir, O_RDONLY | O_DIRECTORY, TRUE, error);
}

gboolean atomic_file_replace(const char *path, atomic_file_writer writer,
                             const void *data, GError **error) {
  GError *local = NULL;
  /* path itself, or the regular file a symbolic link at path points to;
   * never a device, FIFO, socket or directory (output_file.h). */
  g_autofree char *target = output_file_target(path, &local);
  g_autofree char *temporary = target ? create_temporary(target, &local) : NULL;
  gboolean ok = temporary && writer(temporary, data, &local) &&
                replace_target(temporary, target, &local);
  /* After a successful rename the temporary name no longer exists. */
  if (!ok && temporary && g_file_test(temporary, G_FILE_TEST_EXISTS))
    g_unlink(temporary);
  if (!ok) g_propagate_prefixed_error(error, local, "%s: ", path);
  return ok;
}

gboolean nnlab_replace_file(const char *path, nnlab_file_writer writer,
                            const void *data, GError **error) {
  g_return_val_if_fail(path != NULL, FALSE);
  g_return_val_if_fail(writer != NULL, FALSE);
  return atomic_file_replace(path, writer, data, error);
}

gboolean atomic_file_write_all(const char *path, const void *bytes, size_t size,
                               GError **error) {
  int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
  int saved = fd < 0 ? errno : 0;
  for (size_t done = 0; fd >= 0 && !saved && done < size;) {
    ssize_t n = write(fd, (const char *)bytes + done, size - done);
    if (n > 0)
      done += (size_t)n;
    else if (n < 0 && errno != EINTR)
      saved = errno;
    else if (n == 0)
      saved = EIO;
  }
  if (fd >= 0 && close(fd) != 0 && !saved) saved = errno;
  if (saved)
    g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_IO, "cannot write: %s",
                g_strerror(saved));
  return !saved;
}

typedef struct byte_span {
  const char *bytes;
  size_t length;
} byte_span;

static gboolean write_span(const char *temporary_path, const void *data,
                           GError **error) {
  const byte_span *span = data;
  return atomic_file_write_all(temporary_path, span->bytes, span->length,
                               error);
}

gboolean nnlab_replace_file_contents(const char *path, const char *contents,
                                     size_t length, GError **error) {
  g_return_val_if_fail(path != NULL, FALSE);
  g_return_val_if_fail(contents != NULL || length == 0, FALSE);
  byte_span span = {contents, length};
  return atomic_file_replace(path, write_span, &span, error);
}
