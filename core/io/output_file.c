/* The output checks of nnlab/files.h: which paths an output may replace
 * (a new path or a regular file, through symbolic links), and output
 * directories. It decides and creates directories; it writes no file. */
#include "io/output_file.h"

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "io/file_kind.h"

#define EXPECTED_OUTPUT "expected a new file or a regular file to replace"

static char *refuse(GError **error, const char *what) {
  g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_INVALID, "is %s, %s", what,
              EXPECTED_OUTPUT);
  return NULL;
}

/* A symbolic link is followed to a regular file only: following it
 * elsewhere would write into a device or create a file where the link
 * says, which is how symlink attacks work. */
static char *link_target(const char *path, GError **error) {
  GStatBuf info;
  if (g_stat(path, &info) != 0)
    return refuse(error, errno == ENOENT ? "a symbolic link to nothing"
                                         : "a symbolic link that cannot "
                                           "be followed");
  if (!S_ISREG(info.st_mode)) {
    g_autofree char *what =
        g_strdup_printf("a symbolic link to %s", file_kind_name(info.st_mode));
    return refuse(error, what);
  }
  char *resolved = realpath(path, NULL);
  if (!resolved) {
    g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_IO,
                "cannot resolve the symbolic link: %s", g_strerror(errno));
    return NULL;
  }
  char *target = g_strdup(resolved);
  free(resolved);
  return target;
}

char *output_file_target(const char *path, GError **error) {
  GStatBuf info;
  if (g_lstat(path, &info) != 0) {
    if (errno == ENOENT) return g_strdup(path); /* a new file */
    g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_IO, "%s", g_strerror(errno));
    return NULL;
  }
  if (S_ISREG(info.st_mode)) return g_strdup(path);
  if (S_ISLNK(info.st_mode)) return link_target(path, error);
  return refuse(error, file_kind_name(info.st_mode));
}

gboolean nnlab_check_output_file(const char *path, GError **error) {
  g_return_val_if_fail(path != NULL, FALSE);
  GError *local = NULL;
  g_autofree char *target = output_file_target(path, &local);
  if (!target) g_propagate_prefixed_error(error, local, "%s: ", path);
  return target != NULL;
}

gboolean nnlab_make_output_directory(const char *path, GError **error) {
  g_return_val_if_fail(path != NULL, FALSE);
  GStatBuf info;
  if (g_stat(path, &info) == 0 && !S_ISDIR(info.st_mode)) {
    g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_INVALID,
                "%s: is %s, expected a directory", path,
                file_kind_name(info.st_mode));
    return FALSE;
  }
  if (g_mkdir_with_parents(path, 0777) == 0 && g_access(path, W_OK) == 0)
    return TRUE;
  g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_IO,
              "%s: cannot write the output directory: %s", path,
              g_strerror(errno));
  return FALSE;
}
