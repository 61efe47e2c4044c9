/* nnlab_check_input_file (nnlab/files.h): every file nnlab reads
 * (datasets, CSV and IDX files, model files and checkpoints, configs,
 * compare specs) is checked here before it is opened, because opening a
 * FIFO blocks until a writer appears, possibly forever. It opens nothing
 * itself: stat(2) only. */
#include <errno.h>

#include <glib/gstdio.h>

#include <nnlab/files.h>

#include "io/file_kind.h"

gboolean nnlab_check_input_file(const char *path, GError **error) {
  g_return_val_if_fail(path != NULL, FALSE);
  GStatBuf info;
  if (g_stat(path, &info) != 0) {
    int saved = errno;
    g_set_error(error, NNLAB_ERROR,
                saved == ENOENT ? NNLAB_ERROR_NOT_FOUND : NNLAB_ERROR_IO,
                "%s: %s", path, g_strerror(saved));
    return FALSE;
  }
  if (S_ISREG(info.st_mode)) return TRUE;
  g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_INVALID,
              "%s: is %s, expected a regular file", path,
              file_kind_name(info.st_mode));
  return FALSE;
}
