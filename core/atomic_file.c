#include "atomic_file.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <glib/gstdio.h>

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
  g_autofree char *temporary = create_temporary(path, &local);
  gboolean ok = temporary && writer(temporary, data, &local) &&
                replace_target(temporary, path, &local);
  /* After a successful rename the temporary name no longer exists. */
  if (!ok && temporary && g_file_test(temporary, G_FILE_TEST_EXISTS))
    g_unlink(temporary);
  if (!ok) g_propagate_prefixed_error(error, local, "%s: ", path);
  return ok;
}
