/* Whole-array HDF5 datasets and numeric attributes for nnlab's files. */
#ifndef NNLAB_H5_ARRAYS_H
#define NNLAB_H5_ARRAYS_H

#include <hdf5.h>

#include <nnlab/common.h>

/* Writes a contiguous array of rank 1 or 2 (dims[1] ignored for rank 1).
 * memory_type: H5T_NATIVE_FLOAT, H5T_NATIVE_DOUBLE, H5T_NATIVE_UINT64... */
gboolean h5_write_array(hid_t parent, const char *name, hid_t memory_type,
                        int rank, const hsize_t *dims, const void *data,
                        GError **error);

/* Reads a dataset that must have exactly the given rank and dims into
 * data (converting from any numeric type). Errors name file:/path and say
 * what shape was expected and found. */
gboolean h5_read_array(hid_t parent, const char *name, const char *file,
                       const char *group_path, hid_t memory_type, int rank,
                       const hsize_t *dims, void *data, GError **error);

/* The length of a rank-1 dataset; errors if absent or not rank 1. */
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

/* Opens a group that must exist. */
hid_t h5_open_group(hid_t parent, const char *name, const char *file,
                    GError **error);

#endif
