/* HDF5 groups (h5_groups.h): create, open and close, with errors that name
 * a group by its full path ("/layers/3", not "/3"). It reads and writes no
 * data. */
#include "io/h5_groups.h"

#include <string.h>

void h5_close_group(hid_t *group) {
  if (*group >= 0) H5Gclose(*group);
}

/* parent's path, or "" for the root, so that base + "/" + name is full. */
static void parent_path(hid_t parent, char *base, size_t size) {
  if (H5Iget_name(parent, base, size) < 0 || strcmp(base, "/") == 0)
    base[0] = '\0';
}

hid_t h5_create_group(hid_t parent, const char *name, GError **error) {
  hid_t group = H5Gcreate2(parent, name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  if (group < 0) {
    char base[256] = "";
    parent_path(parent, base, sizeof base);
    g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_IO, "cannot create %s/%s", base,
                name);
  }
  return group;
}

hid_t h5_open_group(hid_t parent, const char *name, const char *file,
                    GError **error) {
  htri_t exists = H5Lexists(parent, name, H5P_DEFAULT);
  hid_t group = exists > 0 ? H5Gopen2(parent, name, H5P_DEFAULT) : -1;
  if (group < 0) {
    char base[256] = "";
    parent_path(parent, base, sizeof base);
    g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_INVALID, "%s: %s/%s: %s", file,
                base, name, exists > 0 ? "not a group" : "missing");
  }
  return group;
}
