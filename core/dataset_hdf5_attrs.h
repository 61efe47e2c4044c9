/* HDF5 attribute helpers for dataset files: strings are variable-length
 * UTF-8 (what h5py writes and reads as str), integers 32-bit. Reading also
 * accepts fixed-length strings and any integer type. Error messages start
 * with where, e.g. "iris.h5: /X". */
#ifndef NNLAB_DATASET_HDF5_ATTRS_H
#define NNLAB_DATASET_HDF5_ATTRS_H

#include <hdf5.h>

#include <nnlab/common.h>

/* Silences HDF5's automatic error printing until dataset_h5_unsilence. */
typedef struct dataset_h5_silence {
  H5E_auto2_t handler;
  void *data;
} dataset_h5_silence;

void dataset_h5_silence_errors(dataset_h5_silence *saved);
void dataset_h5_unsilence_errors(const dataset_h5_silence *saved);

gboolean dataset_h5_write_string(hid_t object, const char *name,
                                 const char *value, GError **error);
gboolean dataset_h5_write_strings(hid_t object, const char *name,
                                  const char *const *values, size_t n_values,
                                  GError **error);
gboolean dataset_h5_write_int(hid_t object, const char *name, int value,
                              GError **error);

/* A scalar string attribute; *value is NULL if the attribute is absent. */
gboolean dataset_h5_read_string(hid_t object, const char *name,
                                const char *where, char **value,
                                GError **error);
/* A 1-D string array attribute (NULL-terminated; NULL if absent). */
gboolean dataset_h5_read_strings(hid_t object, const char *name,
                                 const char *where, char ***values,
                                 size_t *n_values, GError **error);
/* A scalar integer attribute; *present is FALSE if it is absent. */
gboolean dataset_h5_read_int(hid_t object, const char *name, const char *where,
                             gboolean *present, long long *value,
                             GError **error);

#endif
