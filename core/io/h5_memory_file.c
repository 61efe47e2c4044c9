/* HDF5 files built in memory and written to disk with write(2) in one
 * piece (h5_memory_file.h), so that a full disk is an error and not a file
 * handle HDF5 cannot close. Every file nnlab writes gets its format here
 * (HDF5 1.8, no modification times); nothing else sets it. */
#include "io/h5_memory_file.h"

#include "io/atomic_file.h"
#include "io/h5_superblock.h"

/* Memory grows in steps of this many bytes while the file is built. */
#define GROWTH_INCREMENT (1u << 16)

hid_t h5_memory_file_create(GError **error) {
  hid_t creation = H5Pcreate(H5P_FILE_CREATE);
  hid_t access = H5Pcreate(H5P_FILE_ACCESS);
  hid_t file = -1;
  if (creation >= 0 && access >= 0 &&
      H5Pset_obj_track_times(creation, 0) >= 0 &&
      H5Pset_libver_bounds(access, H5F_LIBVER_V18, H5F_LIBVER_V18) >= 0 &&
      H5Pset_fapl_core(access, GROWTH_INCREMENT, 0) >= 0)
    file = H5Fcreate("nnlab-memory-file", H5F_ACC_TRUNC, creation, access);
  if (creation >= 0) H5Pclose(creation);
  if (access >= 0) H5Pclose(access);
  if (file < 0)
    g_set_error_literal(error, NNLAB_ERROR, NNLAB_ERROR_IO,
                        "cannot create an HDF5 file in memory");
  return file;
}

gboolean h5_memory_file_close(hid_t file, gboolean ok, const char *path,
                              GError **error) {
  char *image = NULL;
  ssize_t size = -1;
  if (ok && (H5Fflush(file, H5F_SCOPE_GLOBAL) < 0 ||
             (size = H5Fget_file_image(file, NULL, 0)) <= 0 ||
             !(image = g_try_malloc((size_t)size)) ||
             H5Fget_file_image(file, image, (size_t)size) != size)) {
    g_set_error_literal(error, NNLAB_ERROR, NNLAB_ERROR_IO,
                        "cannot assemble the HDF5 file");
    ok = FALSE;
  }
  /* In memory, closing cannot fail for want of disk space. */
  if (H5Fclose(file) < 0 && ok) {
    g_set_error_literal(error, NNLAB_ERROR, NNLAB_ERROR_IO,
                        "cannot close the HDF5 file");
    ok = FALSE;
  }
  if (ok) {
    h5_superblock_fix_checksum((uint8_t *)image, (size_t)size);
    ok = atomic_file_write_all(path, image, (size_t)size, error);
  }
  g_free(image);
  return ok;
}
