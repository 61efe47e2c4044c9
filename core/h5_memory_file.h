/* HDF5 files built in memory and written to disk in one piece.
 *
 * HDF5 cannot close a file whose last write failed (a full disk, a file
 * size limit): the handle stays open and the library crashes when it
 * shuts down at exit. A file built in memory (the core driver without a
 * backing store) always closes; its bytes are then written with write(2),
 * whose failure is an ordinary error. */
#ifndef NNLAB_H5_MEMORY_FILE_H
#define NNLAB_H5_MEMORY_FILE_H

#include <hdf5.h>

#include <nnlab/common.h>

/* A new empty file in memory; fcpl and fapl as for H5Fcreate (the file
 * driver of fapl is replaced). */
hid_t h5_memory_file_create(hid_t fcpl, hid_t fapl, GError **error);

/* Closes file. When ok, first writes its bytes over the file at path
 * (which must exist, e.g. a temporary file); returns ok and whether that
 * worked. */
gboolean h5_memory_file_close(hid_t file, gboolean ok, const char *path,
                              GError **error);

#endif
