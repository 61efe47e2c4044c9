/* libhdf5 1.10 trusts the global heap that holds variable-length strings:
 * a damaged heap collection makes it copy past its buffers or loop
 * forever. Before nnlab reads such strings, this reads the attribute's
 * references to the heap as stored bytes and walks the collections they
 * point into as libhdf5 will, refusing what it could not read safely. */
#ifndef NNLAB_H5_HEAP_CHECK_H
#define NNLAB_H5_HEAP_CHECK_H

#include <hdf5.h>

#include <nnlab/common.h>

/* TRUE if the n strings of attribute attr (of type file_type) can be read
 * (or are not variable-length strings, or the file cannot be checked);
 * FALSE with an error starting with where and naming the attribute. */
gboolean h5_check_string_heap(hid_t attr, hid_t file_type, size_t n,
                              const char *where, const char *name,
                              GError **error);

#endif
