/* Whether nnlab will load code from a plugin path (plugin_trust.h): refused
 * when another user could change it. Only stat(2); the one way around it
 * is NNLAB_ALLOW_INSECURE_PLUGINS=1 (SECURITY.md). */
#include "plugins/plugin_trust.h"

#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

static gboolean refuse(GError **error, const char *why) {
  g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_INVALID,
              "refused: %s, so another user could replace the code nnlab "
              "runs (fix the permissions, or see SECURITY.md)",
              why);
  return FALSE;
}

gboolean plugin_path_trusted(const char *path, GError **error) {
  if (g_strcmp0(g_getenv("NNLAB_ALLOW_INSECURE_PLUGINS"), "1") == 0)
    return TRUE;
  struct stat st;
  if (stat(path, &st) != 0) {
    g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_IO, "cannot stat: %s",
                g_strerror(errno));
    return FALSE;
  }
  if (st.st_mode & S_IWOTH)
    return refuse(error, "it is writable by every user");
  if ((st.st_mode & S_IWGRP) && st.st_gid != getegid())
    return refuse(error, "it is writable by another group");
  if (st.st_uid != geteuid() && st.st_uid != 0)
    return refuse(error, "it is owned by another user");
  return TRUE;
}
