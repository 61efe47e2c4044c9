/* A dataset's claimed size against the bytes its file stores for it
 * (h5_storage.h), so that a damaged shape cannot make a huge allocation.
 * It reads no values. */
#include "io/h5_storage.h"

gboolean h5_check_stored_size(hid_t set, const char *file, const char *path,
                              GError **error) {
  hid_t space = H5Dget_space(set);
  hid_t type = H5Dget_type(set);
  hssize_t n = space >= 0 ? H5Sget_simple_extent_npoints(space) : -1;
  size_t size = type >= 0 ? H5Tget_size(type) : 0;
  if (type >= 0) H5Tclose(type);
  if (space >= 0) H5Sclose(space);
  guint64 bytes = 0;
  if (n < 0 || size == 0 ||
      !g_uint64_checked_mul(&bytes, (guint64)n, (guint64)size)) {
    g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_INVALID,
                "%s: %s: the shape or element type is not valid", file, path);
    return FALSE;
  }
  if (bytes <= H5_UNCHECKED_BYTES) return TRUE;
  hsize_t stored = H5Dget_storage_size(set), file_size = 0;
  hid_t file_id = H5Iget_file_id(set);
  if (file_id >= 0) {
    if (H5Fget_filesize(file_id, &file_size) < 0) file_size = 0;
    H5Fclose(file_id);
  }
  stored = MIN(stored, file_size);
  if (bytes / H5_DEFLATE_MAX_RATIO < stored) return TRUE;
  g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_INVALID,
              "%s: %s: %lld values of %zu bytes, but the file stores only "
              "%llu bytes for them (truncated or corrupt?)",
              file, path, (long long)n, size, (unsigned long long)stored);
  return FALSE;
}
