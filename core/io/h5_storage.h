/* The bytes an HDF5 dataset stores, checked against the shape it claims
 * before anything allocates for or reads it (h5_storage.c). */
#ifndef NNLAB_H5_STORAGE_H
#define NNLAB_H5_STORAGE_H

#include <hdf5.h>

#include <nnlab/common.h>

/* Deflate's best ratio: n stored bytes inflate to at most 1032 n. */
#define H5_DEFLATE_MAX_RATIO 1032
/* Datasets up to this size are not compared with their storage. */
#define H5_UNCHECKED_BYTES ((guint64)16 << 20)

/* FALSE with an error naming file and path if the dataset set claims
 * more data than the file can hold: over H5_UNCHECKED_BYTES, its values
 * must fit in its storage (no more than the file's size) inflated at the
 * best deflate ratio. For checking a size read from a file before
 * allocating that much. */
gboolean h5_check_stored_size(hid_t set, const char *file, const char *path,
                              GError **error);

#endif
