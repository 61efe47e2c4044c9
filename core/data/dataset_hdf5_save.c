/* Saving nnlab dataset files (layout in docs/formats.md). The file is
 * written under a temporary name in the target's directory, synced, and
 * renamed over the target, so readers see the old file or the new one. */
#include <math.h>
#include <stdio.h>

#include "io/atomic_file.h"
#include "io/h5_memory_file.h"
#include "io/h5_attrs.h"
#include "io/h5_checksum.h"
#include "data/dataset_internal.h"

#define CHUNK_ELEMENTS 65536 /* 256 KiB of float32 per chunk */
#define DEFLATE_LEVEL 4

static gboolean names_match(char *const *names, size_t expected,
                            const char *what, GError **error) {
  if (!names || g_strv_length((char **)names) == expected) return TRUE;
  g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_INVALID, "%u %s for %zu columns",
              g_strv_length((char **)names), what, expected);
  return FALSE;
}

/* What a load would refuse is refused here, before anything is written. */
static gboolean check_contents(const nnlab_dataset *d, GError **error) {
  if (!nnlab_task_name(d->task) || d->n_rows == 0 || d->n_features == 0 ||
      !d->features || (d->task == NNLAB_TASK_REGRESSION && !d->targets) ||
      (d->task == NNLAB_TASK_CLASSIFICATION && !d->labels)) {
    g_set_error_literal(error, NNLAB_ERROR, NNLAB_ERROR_INVALID,
                        "the dataset is incomplete (no rows, features or "
                        "targets)");
    return FALSE;
  }
  for (size_t i = 0; i < d->n_rows * d->n_features; i++) {
    if (isfinite(d->features[i])) continue;
    g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_INVALID,
                "X: row %zu, column %zu is not finite", i / d->n_features,
                i % d->n_features);
    return FALSE;
  }
  for (size_t i = 0; d->targets && i < d->n_rows * d->n_targets; i++) {
    if (isfinite(d->targets[i])) continue;
    g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_INVALID,
                "y: row %zu, column %zu is not finite", i / d->n_targets,
                i % d->n_targets);
    return FALSE;
  }
  for (size_t i = 0; d->labels && i < d->n_rows; i++) {
    if (d->labels[i] >= 0 && (size_t)d->labels[i] < d->n_classes) continue;
    g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_RANGE,
                "y: label %d at row %zu is outside [0, %zu)", (int)d->labels[i],
                i, d->n_classes);
    return FALSE;
  }
  return names_match(d->feature_names, d->n_features, "feature names", error) &&
         names_match(d->target_names, d->n_targets, "target names", error) &&
         names_match(d->class_names, d->n_classes, "class names", error);
}

/* A chunked, shuffled, deflated array with its checksum, without
 * timestamps (so the same data gives the same bytes). Returns the open
 * dataset, or -1. */
static hid_t write_array(hid_t file, const char *name, hid_t file_type,
                         hid_t memory_type, int rank, size_t n_rows,
                         size_t n_columns, const void *data, GError **error) {
  hsize_t dims[2] = {n_rows, n_columns};
  hsize_t chunk[2];
  chunk[1] = MIN(n_columns, CHUNK_ELEMENTS);
  chunk[0] = MAX(1, MIN(n_rows, CHUNK_ELEMENTS / chunk[1]));
  hid_t space = H5Screate_simple(rank, dims, NULL);
  hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
  hid_t array = -1;
  if (space >= 0 && dcpl >= 0 && H5Pset_chunk(dcpl, rank, chunk) >= 0 &&
      H5Pset_shuffle(dcpl) >= 0 && H5Pset_deflate(dcpl, DEFLATE_LEVEL) >= 0 &&
      H5Pset_obj_track_times(dcpl, 0) >= 0)
    array = H5Dcreate2(file, name, file_type, space, H5P_DEFAULT, dcpl,
                       H5P_DEFAULT);
  if (array >= 0 &&
      (H5Dwrite(array, memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0 ||
       !h5_checksum_attach(array, memory_type, data, n_rows * n_columns,
                           NULL))) {
    H5Dclose(array);
    array = -1;
  }
  if (space >= 0) H5Sclose(space);
  if (dcpl >= 0) H5Pclose(dcpl);
  if (array < 0)
    g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_IO, "%s: cannot write", name);
  return array;
}

static gboolean write_names(hid_t object, const char *attribute,
                            char *const *names, GError **error) {
  if (!names) return TRUE;
  return h5_attr_write_strings(object, attribute, (const char *const *)names,
                               g_strv_length((char **)names), error);
}

static gboolean write_root_attributes(hid_t file, const nnlab_dataset *d,
                                      GError **error) {
  if (!h5_attr_write_string(file, "format", DATASET_FORMAT_NAME, error) ||
      !h5_attr_write_int(file, "format_version", DATASET_FORMAT_VERSION,
                         error) ||
      !h5_checksums_declare(file, error) ||
      !h5_attr_write_string(file, "task", nnlab_task_name(d->task), error) ||
      (d->source && !h5_attr_write_string(file, "source", d->source, error)))
    return FALSE;
  if (d->task != NNLAB_TASK_CLASSIFICATION) return TRUE;
  /* Class names are always written; "0", "1", ... when the dataset has
   * none. */
  g_auto(GStrv) defaults =
      d->class_names ? NULL : nnlab_dataset_default_class_names(d->n_classes);
  return h5_attr_write_int(file, "n_classes", (int)d->n_classes, error) &&
         write_names(file, "class_names",
                     d->class_names ? d->class_names : defaults, error);
}

static gboolean write_arrays(hid_t file, const nnlab_dataset *d,
                             GError **error) {
  hid_t x = write_array(file, "/X", H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, 2,
                        d->n_rows, d->n_features, d->features, error);
  if (x < 0) return FALSE;
  gboolean ok = write_names(x, "feature_names", d->feature_names, error);
  H5Dclose(x);
  if (!ok) return FALSE;
  gboolean classification = d->task == NNLAB_TASK_CLASSIFICATION;
  hid_t y = classification
                ? write_array(file, "/y", H5T_STD_I32LE, H5T_NATIVE_INT32, 1,
                              d->n_rows, 1, d->labels, error)
                : write_array(file, "/y", H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, 2,
                              d->n_rows, d->n_targets, d->targets, error);
  if (y < 0) return FALSE;
  ok = write_names(y, "target_names", d->target_names, error);
  H5Dclose(y);
  return ok;
}

/* Built in memory, so that a full disk is an error rather than a file
 * HDF5 cannot close (h5_memory_file.h). */
static gboolean write_file(const nnlab_dataset *dataset, const char *path,
                           GError **error) {
  /* The 1.8 format also stores large name lists (dense attributes). */
  hid_t file = h5_memory_file_create(error);
  if (file < 0) return FALSE;
  gboolean ok = write_root_attributes(file, dataset, error) &&
                write_arrays(file, dataset, error);
  return h5_memory_file_close(file, ok, path, error);
}

static gboolean write_file_atomically(const char *path, const void *data,
                                      GError **error) {
  return write_file(data, path, error);
}

gboolean nnlab_dataset_save(const nnlab_dataset *dataset, const char *path,
                            GError **error) {
  GError *local = NULL;
  if (!check_contents(dataset, &local)) {
    g_propagate_prefixed_error(error, local, "%s: cannot save: ", path);
    return FALSE;
  }
  h5_silence silence;
  h5_silence_errors(&silence);
  gboolean ok =
      atomic_file_replace(path, write_file_atomically, dataset, error);
  h5_unsilence_errors(&silence);
  return ok;
}
