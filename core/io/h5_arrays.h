/* Whole-array HDF5 datasets and numeric attributes for nnlab's files. */
#ifndef NNLAB_H5_ARRAYS_H
#define NNLAB_H5_ARRAYS_H

#include <hdf5.h>

#include <nnlab/common.h>

/* Writes a contiguous array of rank 1 or 2 (dims[1] ignored for rank 1)
 * with its checksum (h5_checksum.h). memory_type: H5T_NATIVE_FLOAT,
 * H5T_NATIVE_DOUBLE, H5T_NATIVE_UINT64... */
gboolean h5_write_array(hid_t parent, const char *name, hid_t memory_type,
                        int rank, const hsize_t *dims, const void *data,
                        GError **error);

/* Reads a dataset that must have exactly the given rank and dims into
 * data (converting from any numeric type) and checks its checksum. Errors
 * name file:/path and say what shape was expected and found, or that the
 * values are damaged. */
gboolean h5_read_array(hid_t parent, const char *name, const char *file,
                       const char *group_path, hid_t memory_type, int rank,
                       const hsize_t *dims, void *data, GError **error);

/* Checks what h5_read_array checks, without reading: for sizing the
 * buffers it will read into before allocating them. */
gboolean h5_check_array(hid_t parent, const char *name, const char *file,
                        const char *group_path, int rank, const hsize_t *dims,
                        GError **error);

/* The length of a rank-1 dataset whose stored size is checked; errors if
 * absent or not rank 1. */
gboolean h5_array_length(hid_t parent, const char *name, const char *file,
                         const char *group_path, hsize_t *length,
                         GError **error);

gboolean h5_write_double(hid_t object, const char *name, double value,
                         GError **error);
gboolean h5_write_uint64(hid_t object, const char *name, guint64 value,
                         GError **error);
/* Numeric scalar attributes; errors name file:path and the attribute. */
gboolean h5_read_double(hid_t object, const char *name, const char *file,
                        const char *path, double *value, GError **error);
gboolean h5_read_uint64(hid_t object, const char *name, const char *file,
                        const char *path, guint64 *value, GError **error);

#endif
