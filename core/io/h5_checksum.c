/* The array checksums of h5_checksum.h: computing them, attaching them
 * when writing and checking them when reading. Values are read back as
 * little-endian bytes of the stored type, so the host's byte order never
 * changes a checksum. */
#include "io/h5_checksum.h"
#include "io/h5_storage.h"

#include <string.h>
#include <zlib.h>

#include <nnlab/common.h>
#include "io/h5_attrs.h"

/* Arrays are read this many bytes at a time by h5_checksum_of_stored. */
#define STREAM_BLOCK_BYTES ((size_t)1 << 20)

guint32 h5_checksum_update(guint32 crc, const void *values, size_t n,
                           size_t element_size) {
  const guint8 *bytes = values;
  if (G_BYTE_ORDER == G_LITTLE_ENDIAN || element_size == 1)
    return (guint32)crc32_z(crc, bytes, n * element_size);
  /* A big-endian host: reverse each element's bytes first. */
  guint8 block[4096];
  size_t per_block = sizeof block / element_size;
  for (size_t done = 0; done < n;) {
    size_t count = MIN(per_block, n - done);
    for (size_t e = 0; e < count; e++)
      for (size_t b = 0; b < element_size; b++)
        block[e * element_size + b] =
            bytes[(done + e) * element_size + element_size - 1 - b];
    crc = (guint32)crc32_z(crc, block, count * element_size);
    done += count;
  }
  return crc;
}

gboolean h5_checksum_attach(hid_t set, hid_t memory_type, const void *values,
                            size_t n, GError **error) {
  guint32 crc = h5_checksum_update(0, values, n, H5Tget_size(memory_type));
  hid_t space = H5Screate(H5S_SCALAR);
  hid_t attr = space >= 0
                   ? H5Acreate2(set, H5_CHECKSUM_ATTRIBUTE, H5T_STD_U32LE,
                                space, H5P_DEFAULT, H5P_DEFAULT)
                   : -1;
  gboolean ok = attr >= 0 && H5Awrite(attr, H5T_NATIVE_UINT32, &crc) >= 0;
  if (attr >= 0) H5Aclose(attr);
  if (space >= 0) H5Sclose(space);
  if (!ok)
    g_set_error_literal(error, NNLAB_ERROR, NNLAB_ERROR_IO,
                        "cannot write attribute '" H5_CHECKSUM_ATTRIBUTE "'");
  return ok;
}

gboolean h5_checksums_declare(hid_t file, GError **error) {
  return h5_attr_write_string(file, H5_CHECKSUMS_ATTRIBUTE, H5_CHECKSUMS_KIND,
                              error);
}

gboolean h5_checksums_declared(hid_t object, const char *path,
                               gboolean *declared, GError **error) {
  *declared = FALSE;
  hid_t file = H5Iget_file_id(object);
  hid_t root = file >= 0 ? H5Gopen2(file, "/", H5P_DEFAULT) : -1;
  g_autofree char *where = g_strdup_printf("%s: /", path);
  g_autofree char *kind = NULL;
  gboolean ok = root >= 0 && h5_attr_read_string(root, H5_CHECKSUMS_ATTRIBUTE,
                                                 where, &kind, error);
  if (root < 0)
    g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_INVALID,
                "%s: cannot open the root group (the file is damaged)", path);
  if (root >= 0) H5Gclose(root);
  if (file >= 0) H5Fclose(file);
  if (!ok || !kind) return ok;
  if (strcmp(kind, H5_CHECKSUMS_KIND) != 0) {
    g_autofree char *quoted = nnlab_excerpt(kind);
    g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_INVALID,
                "%s: /: attribute '" H5_CHECKSUMS_ATTRIBUTE
                "' is '%s', a kind this nnlab does not know (a newer nnlab "
                "wrote it, or the file is damaged)",
                path, quoted);
    return FALSE;
  }
  *declared = TRUE;
  return TRUE;
}

gboolean h5_checksum_stored(hid_t set, const char *file, const char *array,
                            gboolean *present, guint32 *crc, GError **error) {
  htri_t exists = H5Aexists(set, H5_CHECKSUM_ATTRIBUTE);
  *present = exists > 0;
  if (exists == 0) return TRUE;
  hid_t attr =
      exists > 0 ? H5Aopen(set, H5_CHECKSUM_ATTRIBUTE, H5P_DEFAULT) : -1;
  hid_t space = attr >= 0 ? H5Aget_space(attr) : -1;
  hid_t type = attr >= 0 ? H5Aget_type(attr) : -1;
  guint64 value = 0;
  gboolean ok =
      space >= 0 && type >= 0 && H5Sget_simple_extent_npoints(space) == 1 &&
      H5Tget_class(type) == H5T_INTEGER &&
      H5Aread(attr, H5T_NATIVE_UINT64, &value) >= 0 && value <= G_MAXUINT32;
  if (type >= 0) H5Tclose(type);
  if (space >= 0) H5Sclose(space);
  if (attr >= 0) H5Aclose(attr);
  if (!ok)
    g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_INVALID,
                "%s: %s: attribute '" H5_CHECKSUM_ATTRIBUTE
                "' is not a 32-bit checksum (the file is damaged)",
                file, array);
  *crc = (guint32)value;
  return ok;
}

/* A copy of the stored type in little-endian order: values read as it
 * are the stored bytes on any host. */
static hid_t little_endian_type(hid_t stored) {
  hid_t type = H5Tcopy(stored);
  if (type >= 0 && H5Tset_order(type, H5T_ORDER_LE) < 0) {
    H5Tclose(type);
    type = -1;
  }
  return type;
}

/* The standard little-endian type of stored's class, size and sign. Read
 * as it, an intact array gives its stored bytes; one whose type
 * description is damaged (a changed exponent bias, byte order or
 * precision) gives the other values HDF5 converts it to, so that its
 * checksum no longer matches. */
static hid_t standard_type(hid_t stored) {
  size_t size = H5Tget_size(stored);
  hid_t standard = -1;
  if (H5Tget_class(stored) == H5T_FLOAT)
    standard = size == 4 ? H5T_IEEE_F32LE : size == 8 ? H5T_IEEE_F64LE : -1;
  else if (H5Tget_sign(stored) == H5T_SGN_2)
    standard = size == 1   ? H5T_STD_I8LE
               : size == 2 ? H5T_STD_I16LE
               : size == 4 ? H5T_STD_I32LE
               : size == 8 ? H5T_STD_I64LE
                           : -1;
  else
    standard = size == 1   ? H5T_STD_U8LE
               : size == 2 ? H5T_STD_U16LE
               : size == 4 ? H5T_STD_U32LE
               : size == 8 ? H5T_STD_U64LE
                           : -1;
  return standard >= 0 ? H5Tcopy(standard) : little_endian_type(stored);
}

/* Reads rows [first, first + count) of set (rank >= 1) as type. */
static gboolean read_rows(hid_t set, hid_t type, int rank, const hsize_t *dims,
                          hsize_t first, hsize_t count, void *buffer) {
  hsize_t start[H5S_MAX_RANK] = {first}, block[H5S_MAX_RANK];
  memcpy(block, dims, (size_t)rank * sizeof *dims);
  block[0] = count;
  hid_t file_space = H5Dget_space(set);
  hid_t memory_space = H5Screate_simple(rank, block, NULL);
  gboolean ok =
      file_space >= 0 && memory_space >= 0 &&
      H5Sselect_hyperslab(file_space, H5S_SELECT_SET, start, NULL, block,
                          NULL) >= 0 &&
      H5Dread(set, type, memory_space, file_space, H5P_DEFAULT, buffer) >= 0;
  if (memory_space >= 0) H5Sclose(memory_space);
  if (file_space >= 0) H5Sclose(file_space);
  return ok;
}

/* The checksum of set's values read as type (element bytes each), a
 * block of rows at a time. */
static gboolean checksum_by_rows(hid_t set, hid_t type, size_t element,
                                 guint32 *crc) {
  hid_t space = H5Dget_space(set);
  int rank = space >= 0 ? H5Sget_simple_extent_ndims(space) : -1;
  hsize_t dims[H5S_MAX_RANK] = {0};
  if (rank > 0) H5Sget_simple_extent_dims(space, dims, NULL);
  hssize_t n = space >= 0 ? H5Sget_simple_extent_npoints(space) : -1;
  if (space >= 0) H5Sclose(space);
  *crc = 0;
  if (rank < 0 || n < 0) return FALSE;
  if (n == 0) return TRUE;
  if (rank == 0) {
    g_autofree void *value = g_malloc(element);
    if (H5Dread(set, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, value) < 0)
      return FALSE;
    *crc = (guint32)crc32_z(0, value, element);
    return TRUE;
  }
  /* Sizes were checked against the file's storage before this. */
  size_t row_bytes = (size_t)n / (size_t)dims[0] * element;
  hsize_t rows_per_block = MAX(1, STREAM_BLOCK_BYTES / row_bytes);
  g_autofree void *buffer =
      g_try_malloc((size_t)MIN(rows_per_block, dims[0]) * row_bytes);
  if (!buffer) return FALSE;
  for (hsize_t first = 0; first < dims[0]; first += rows_per_block) {
    hsize_t count = MIN(rows_per_block, dims[0] - first);
    if (!read_rows(set, type, rank, dims, first, count, buffer)) return FALSE;
    *crc = (guint32)crc32_z(*crc, buffer, (size_t)count * row_bytes);
  }
  return TRUE;
}

gboolean h5_checksum_of_stored(hid_t set, const char *file, const char *array,
                               guint32 *crc, GError **error) {
  if (!h5_check_stored_size(set, file, array, error)) return FALSE;
  hid_t stored = H5Dget_type(set);
  H5T_class_t type_class = stored >= 0 ? H5Tget_class(stored) : H5T_NO_CLASS;
  hid_t type = type_class == H5T_INTEGER || type_class == H5T_FLOAT
                   ? standard_type(stored)
                   : -1;
  gboolean ok =
      type >= 0 && checksum_by_rows(set, type, H5Tget_size(type), crc);
  if (type >= 0) H5Tclose(type);
  if (stored >= 0) H5Tclose(stored);
  if (!ok)
    g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_INVALID, "%s: %s: %s", file,
                array,
                type_class == H5T_INTEGER || type_class == H5T_FLOAT
                    ? "cannot read the values (the file is damaged)"
                    : "expected numbers");
  return ok;
}

/* Whether values in memory_type are the stored bytes (up to byte order),
 * so that their checksum can be taken from memory. */
static gboolean same_as_stored(hid_t set, hid_t memory_type) {
  hid_t stored = H5Dget_type(set);
  hid_t memory = little_endian_type(memory_type);
  gboolean same = stored >= 0 && memory >= 0 && H5Tequal(stored, memory) > 0;
  if (memory >= 0) H5Tclose(memory);
  if (stored >= 0) H5Tclose(stored);
  return same;
}

gboolean h5_checksum_verify(hid_t set, const char *file, const char *array,
                            hid_t memory_type, const void *values, size_t n,
                            GError **error) {
  gboolean present = FALSE, declared = FALSE;
  guint32 expected = 0, found = 0;
  if (!h5_checksum_stored(set, file, array, &present, &expected, error))
    return FALSE;
  if (!present) {
    if (!h5_checksums_declared(set, file, &declared, error)) return FALSE;
    if (declared)
      g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_INVALID,
                  "%s: %s: attribute '" H5_CHECKSUM_ATTRIBUTE
                  "' is missing, though the file has one for every array "
                  "(the file is damaged)",
                  file, array);
    return !declared;
  }
  if (same_as_stored(set, memory_type))
    found = h5_checksum_update(0, values, n, H5Tget_size(memory_type));
  else if (!h5_checksum_of_stored(set, file, array, &found, error))
    return FALSE;
  if (found == expected) return TRUE;
  g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_INVALID,
              "%s: %s: checksum mismatch (the file is damaged)", file, array);
  return FALSE;
}
