/* HDF5 groups in nnlab's files: created or opened with errors that name
 * their full path, and closed when an AUTO_GROUP variable leaves scope. */
#ifndef NNLAB_H5_GROUPS_H
#define NNLAB_H5_GROUPS_H

#include <hdf5.h>

#include <nnlab/common.h>

/* Closes *group if it is open; the cleanup behind AUTO_GROUP. */
void h5_close_group(hid_t *group);
#define AUTO_GROUP __attribute__((cleanup(h5_close_group))) hid_t

/* Creates a group; -1 and an I/O error naming it if HDF5 cannot. */
hid_t h5_create_group(hid_t parent, const char *name, GError **error);
/* Opens a group that must exist; the error names file and path. */
hid_t h5_open_group(hid_t parent, const char *name, const char *file,
                    GError **error);

#endif
