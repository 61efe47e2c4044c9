/* HDF5 attribute helpers for nnlab files: strings are variable-length
 * UTF-8 (what h5py writes and reads as str), integers 32-bit. Reading also
 * accepts fixed-length strings and any integer type. Error messages start
 * with where, e.g. "iris.h5: /X". */
#ifndef NNLAB_H5_ATTRS_H
#define NNLAB_H5_ATTRS_H

#include <hdf5.h>

#include <nnlab/common.h>

/* Silences HDF5's automatic error printing until h5_unsilence_errors. */
typedef struct h5_silence {
  H5E_auto2_t handler;
  void *data;
} h5_silence;

void h5_silence_errors(h5_silence *saved);
void h5_unsilence_errors(const h5_silence *saved);

gboolean h5_attr_write_string(hid_t object, const char *name, const char *value,
                              GError **error);
gboolean h5_attr_write_strings(hid_t object, const char *name,
                               const char *const *values, size_t n_values,
                               GError **error);
gboolean h5_attr_write_int(hid_t object, const char *name, int value,
                           GError **error);

/* A scalar string attribute; *value is NULL if the attribute is absent. */
gboolean h5_attr_read_string(hid_t object, const char *name, const char *where,
                             char **value, GError **error);
/* A 1-D string array attribute (NULL-terminated; NULL if absent). */
gboolean h5_attr_read_strings(hid_t object, const char *name, const char *where,
                              char ***values, size_t *n_values, GError **error);
/* A scalar integer attribute; *present is FALSE if it is absent. */
gboolean h5_attr_read_int(hid_t object, const char *name, const char *where,
                          gboolean *present, long long *value, GError **error);

#endif
