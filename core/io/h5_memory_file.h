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

/* A new empty file in memory, in the format every file nnlab writes has:
 * HDF5 1.8's (read by every HDF5 since 2008), whose object headers, B-trees
 * and heaps carry checksums, so a flipped byte in the file's structure is
 * an error on read rather than a silently missing attribute or a loop;
 * and no modification times, so the same content gives the same bytes. */
hid_t h5_memory_file_create(GError **error);

/* Closes file. When ok, first writes its bytes over the file at path
 * (which must exist, e.g. a temporary file); returns ok and whether that
 * worked. */
gboolean h5_memory_file_close(hid_t file, gboolean ok, const char *path,
                              GError **error);

#endif
