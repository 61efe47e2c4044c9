/* Whole-array HDF5 datasets and numeric scalars in nnlab's files
 * (h5_arrays.h): every array is written with its checksum and read only
 * after its type, shape and stored size are checked, so a damaged size
 * cannot make a huge allocation. Strings are h5_attrs.c's. */
#include "io/h5_arrays.h"

#include <string.h>

#include "io/h5_checksum.h"
#include "io/h5_storage.h"

gboolean h5_write_array(hid_t parent, const char *name, hid_t memory_type,
                        int rank, const hsize_t *dims, const void *data,
                        GError **error) {
  hid_t space = H5Screate_simple(rank, dims, NULL);
  hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
  H5Pset_obj_track_times(dcpl, 0);
  hid_t file_type =
      H5Tget_class(memory_type) == H5T_FLOAT
          ? (H5Tget_size(memory_type) == 4 ? H5T_IEEE_F32LE : H5T_IEEE_F64LE)
          : H5T_STD_U64LE;
  hid_t set = space >= 0 ? H5Dcreate2(parent, name, file_type, space,
                                      H5P_DEFAULT, dcpl, H5P_DEFAULT)
                         : -1;
  hssize_t n = space >= 0 ? H5Sget_simple_extent_npoints(space) : -1;
  gboolean ok =
      set >= 0 && n >= 0 &&
      H5Dwrite(set, memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) >= 0 &&
      h5_checksum_attach(set, memory_type, data, (size_t)n, NULL);
  if (set >= 0) H5Dclose(set);
  H5Pclose(dcpl);
  if (space >= 0) H5Sclose(space);
  if (!ok)
    g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_IO, "cannot write dataset '%s'",
                name);
  return ok;
}

static hid_t open_dataset(hid_t parent, const char *name, const char *file,
                          const char *group_path, GError **error) {
  htri_t exists = H5Lexists(parent, name, H5P_DEFAULT);
  hid_t set = exists > 0 ? H5Dopen2(parent, name, H5P_DEFAULT) : -1;
  if (set < 0)
    g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_INVALID, "%s: %s/%s: %s", file,
                group_path, name,
                exists > 0 ? "not a readable dataset" : "missing");
  return set;
}

static char *format_dims(int rank, const hsize_t *dims) {
  GString *text = g_string_new("(");
  for (int i = 0; i < rank; i++)
    g_string_append_printf(text, "%s%llu", i ? ", " : "",
                           (unsigned long long)dims[i]);
  g_string_append_c(text, ')');
  return g_string_free(text, FALSE);
}

/* Checks set's type, shape (rank and dims) and stored size. */
static gboolean check_array(hid_t set, const char *name, const char *file,
                            const char *group_path, int rank,
                            const hsize_t *dims, GError **error) {
  hid_t space = H5Dget_space(set);
  hid_t type = H5Dget_type(set);
  H5T_class_t type_class = type >= 0 ? H5Tget_class(type) : H5T_NO_CLASS;
  int found_rank = space >= 0 ? H5Sget_simple_extent_ndims(space) : -1;
  hsize_t found[H5S_MAX_RANK] = {0};
  gboolean shape_ok = found_rank == rank && found_rank >= 0;
  if (found_rank > 0 && found_rank <= H5S_MAX_RANK)
    H5Sget_simple_extent_dims(space, found, NULL);
  for (int i = 0; shape_ok && i < rank; i++) shape_ok = found[i] == dims[i];
  gboolean ok = FALSE;
  if (type_class != H5T_FLOAT && type_class != H5T_INTEGER) {
    g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_INVALID,
                "%s: %s/%s: expected numbers", file, group_path, name);
  } else if (!shape_ok) {
    g_autofree char *want = format_dims(rank, dims);
    g_autofree char *got = format_dims(found_rank > 0 ? found_rank : 0, found);
    g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_INVALID,
                "%s: %s/%s: expected shape %s, found %s", file, group_path,
                name, want, got);
  } else {
    g_autofree char *path = g_strdup_printf("%s/%s", group_path, name);
    ok = h5_check_stored_size(set, file, path, error);
  }
  if (type >= 0) H5Tclose(type);
  if (space >= 0) H5Sclose(space);
  return ok;
}

gboolean h5_check_array(hid_t parent, const char *name, const char *file,
                        const char *group_path, int rank, const hsize_t *dims,
                        GError **error) {
  hid_t set = open_dataset(parent, name, file, group_path, error);
  if (set < 0) return FALSE;
  gboolean ok = check_array(set, name, file, group_path, rank, dims, error);
  H5Dclose(set);
  return ok;
}

gboolean h5_read_array(hid_t parent, const char *name, const char *file,
                       const char *group_path, hid_t memory_type, int rank,
                       const hsize_t *dims, void *data, GError **error) {
  hid_t set = open_dataset(parent, name, file, group_path, error);
  if (set < 0) return FALSE;
  g_autofree char *path = g_strdup_printf("%s/%s", group_path, name);
  gboolean ok = check_array(set, name, file, group_path, rank, dims, error);
  if (ok &&
      H5Dread(set, memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0) {
    g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_INVALID,
                "%s: %s: cannot read (the file is damaged)", file, path);
    ok = FALSE;
  }
  size_t n = 1;
  for (int i = 0; i < rank; i++) n *= (size_t)dims[i];
  ok = ok && h5_checksum_verify(set, file, path, memory_type, data, n, error);
  H5Dclose(set);
  return ok;
}

gboolean h5_array_length(hid_t parent, const char *name, const char *file,
                         const char *group_path, hsize_t *length,
                         GError **error) {
  hid_t set = open_dataset(parent, name, file, group_path, error);
  if (set < 0) return FALSE;
  hid_t space = H5Dget_space(set);
  gboolean ok = space >= 0 && H5Sget_simple_extent_ndims(space) == 1 &&
                H5Sget_simple_extent_dims(space, length, NULL) == 1;
  if (space >= 0) H5Sclose(space);
  if (!ok)
    g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_INVALID,
                "%s: %s/%s: expected a one-dimensional array", file, group_path,
                name);
  if (ok) {
    g_autofree char *path = g_strdup_printf("%s/%s", group_path, name);
    ok = h5_check_stored_size(set, file, path, error);
  }
  H5Dclose(set);
  return ok;
}

static gboolean write_scalar(hid_t object, const char *name, hid_t file_type,
                             hid_t memory_type, const void *value,
                             GError **error) {
  hid_t space = H5Screate(H5S_SCALAR);
  hid_t attr =
      H5Acreate2(object, name, file_type, space, H5P_DEFAULT, H5P_DEFAULT);
  gboolean ok = attr >= 0 && H5Awrite(attr, memory_type, value) >= 0;
  if (attr >= 0) H5Aclose(attr);
  H5Sclose(space);
  if (!ok)
    g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_IO,
                "cannot write attribute '%s'", name);
  return ok;
}

gboolean h5_write_double(hid_t object, const char *name, double value,
                         GError **error) {
  return write_scalar(object, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &value,
                      error);
}

gboolean h5_write_uint64(hid_t object, const char *name, guint64 value,
                         GError **error) {
  return write_scalar(object, name, H5T_STD_U64LE, H5T_NATIVE_UINT64, &value,
                      error);
}

static gboolean read_scalar(hid_t object, const char *name, const char *file,
                            const char *path, hid_t memory_type, void *value,
                            GError **error) {
  htri_t exists = H5Aexists(object, name);
  hid_t attr = exists > 0 ? H5Aopen(object, name, H5P_DEFAULT) : -1;
  hid_t space = attr >= 0 ? H5Aget_space(attr) : -1;
  hid_t type = attr >= 0 ? H5Aget_type(attr) : -1;
  H5T_class_t type_class = type >= 0 ? H5Tget_class(type) : H5T_NO_CLASS;
  gboolean ok = space >= 0 && H5Sget_simple_extent_npoints(space) == 1 &&
                (type_class == H5T_INTEGER || type_class == H5T_FLOAT) &&
                H5Aread(attr, memory_type, value) >= 0;
  if (type >= 0) H5Tclose(type);
  if (space >= 0) H5Sclose(space);
  if (attr >= 0) H5Aclose(attr);
  if (!ok)
    g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_INVALID,
                "%s: %s: attribute '%s' %s", file, path, name,
                exists > 0 ? "is not a single number" : "is missing");
  return ok;
}

gboolean h5_read_double(hid_t object, const char *name, const char *file,
                        const char *path, double *value, GError **error) {
  return read_scalar(object, name, file, path, H5T_NATIVE_DOUBLE, value, error);
}

gboolean h5_read_uint64(hid_t object, const char *name, const char *file,
                        const char *path, guint64 *value, GError **error) {
  return read_scalar(object, name, file, path, H5T_NATIVE_UINT64, value, error);
}
