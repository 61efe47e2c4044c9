/* Loading nnlab dataset files (layout in docs/formats.md). Every check
 * names the file and the HDF5 object at fault, and sizes are checked
 * against the file before anything is allocated for them. Read-only:
 * saving is dataset_hdf5_save.c's. */
#include <math.h>
#include <string.h>

#include <nnlab/files.h>

#include "data/dataset_internal.h"
#include "base/engine_warning.h"
#include "io/h5_arrays.h"
#include "io/h5_attrs.h"
#include "io/h5_checksum.h"
#include "io/h5_storage.h"

typedef struct loader {
  const char *path;
  hid_t file, x, y;
  hsize_t n_rows, n_features, n_targets;
  nnlab_task task;
  long long n_classes;
  char **class_names;
  size_t n_class_names;
  gboolean checksums; /* the file declares them (h5_checksum.h) */
  GError **error;
} loader;

/* Sets the error; returns FALSE so checks can end with return load_fail(). */
static gboolean load_fail(loader *ld, const char *format, ...)
    G_GNUC_PRINTF(2, 3);
static gboolean load_fail(loader *ld, const char *format, ...) {
  va_list args;
  va_start(args, format);
  g_autofree char *message = g_strdup_vprintf(format, args);
  va_end(args);
  g_set_error_literal(ld->error, NNLAB_ERROR, NNLAB_ERROR_INVALID, message);
  return FALSE;
}

static gboolean open_file(loader *ld) {
  /* A FIFO or a device would block or be read as data: refused first. */
  if (!nnlab_check_input_file(ld->path, ld->error)) return FALSE;
  if (H5Fis_hdf5(ld->path) <= 0)
    return load_fail(ld, "%s: not an HDF5 file", ld->path);
  ld->file = H5Fopen(ld->path, H5F_ACC_RDONLY, H5P_DEFAULT);
  if (ld->file < 0)
    return load_fail(ld, "%s: cannot open the HDF5 file", ld->path);
  return TRUE;
}

/* The root attributes format, format_version and task. */
static gboolean read_header(loader *ld) {
  g_autofree char *where = g_strdup_printf("%s: /", ld->path);
  g_autofree char *format = NULL;
  if (!h5_attr_read_string(ld->file, "format", where, &format, ld->error))
    return FALSE;
  if (!format)
    return load_fail(
        ld, "%s: not an nnlab dataset (no root attribute 'format')", ld->path);
  if (strcmp(format, DATASET_FORMAT_NAME) != 0)
    return load_fail(ld, "%s: not an nnlab dataset (format is '%s', not '%s')",
                     ld->path, format, DATASET_FORMAT_NAME);
  gboolean present = FALSE;
  long long version = 0;
  if (!h5_attr_read_int(ld->file, "format_version", where, &present, &version,
                        ld->error))
    return FALSE;
  if (!present)
    return load_fail(ld, "%s: /: attribute 'format_version' is missing",
                     ld->path);
  if (version > DATASET_FORMAT_VERSION)
    return load_fail(ld,
                     "%s: format_version %lld is newer than this nnlab reads "
                     "(%d); upgrade nnlab",
                     ld->path, version, DATASET_FORMAT_VERSION);
  if (version < 1)
    return load_fail(ld, "%s: /: format_version %lld is not valid", ld->path,
                     version);
  g_autofree char *task = NULL;
  if (!h5_checksums_declared(ld->file, ld->path, &ld->checksums, ld->error) ||
      !h5_attr_read_string(ld->file, "task", where, &task, ld->error))
    return FALSE;
  if (!task)
    return load_fail(ld, "%s: /: attribute 'task' is missing", ld->path);
  if (!nnlab_task_from_name(task, &ld->task))
    return load_fail(ld,
                     "%s: /: task '%s' is unknown; expected regression or "
                     "classification",
                     ld->path, task);
  return TRUE;
}

/* Opens /NAME as a dataset of rank min_rank..max_rank with a numeric type;
 * dims gets its shape (a missing second dimension is 1). */
static hid_t open_array(loader *ld, const char *name, int min_rank,
                        int max_rank, gboolean integer_only, hsize_t dims[2]) {
  htri_t exists = H5Lexists(ld->file, name, H5P_DEFAULT);
  hid_t array = exists > 0 ? H5Dopen2(ld->file, name, H5P_DEFAULT) : -1;
  if (array < 0) {
    load_fail(ld, "%s: %s: %s", ld->path, name,
              exists > 0 ? "not a readable HDF5 dataset" : "missing");
    return -1;
  }
  hid_t space = H5Dget_space(array);
  hid_t type = H5Dget_type(array);
  int rank = space >= 0 ? H5Sget_simple_extent_ndims(space) : -1;
  H5T_class_t type_class = type >= 0 ? H5Tget_class(type) : H5T_NO_CLASS;
  dims[1] = 1;
  if (rank >= 1 && rank <= 2) H5Sget_simple_extent_dims(space, dims, NULL);
  if (space >= 0) H5Sclose(space);
  if (type >= 0) H5Tclose(type);
  gboolean ok = FALSE;
  if (rank < min_rank || rank > max_rank)
    load_fail(ld, "%s: %s: rank %d, expected %s", ld->path, name, rank,
              max_rank == 1   ? "1 (one label per row)"
              : min_rank == 2 ? "2 (rows x columns)"
                              : "1 or 2 (rows x targets)");
  else if (type_class != H5T_INTEGER &&
           (integer_only || type_class != H5T_FLOAT))
    load_fail(ld, "%s: %s: element type is not %s", ld->path, name,
              integer_only ? "an integer (class labels)" : "numeric");
  else
    ok = TRUE;
  if (!ok) {
    H5Dclose(array);
    return -1;
  }
  return array;
}

static gboolean open_arrays(loader *ld) {
  hsize_t x_dims[2], y_dims[2];
  gboolean classification = ld->task == NNLAB_TASK_CLASSIFICATION;
  ld->x = open_array(ld, "/X", 2, 2, FALSE, x_dims);
  if (ld->x < 0) return FALSE;
  ld->y =
      open_array(ld, "/y", 1, classification ? 1 : 2, classification, y_dims);
  if (ld->y < 0) return FALSE;
  ld->n_rows = x_dims[0];
  ld->n_features = x_dims[1];
  ld->n_targets = y_dims[1];
  if (ld->n_rows == 0 || ld->n_features == 0)
    return load_fail(ld, "%s: /X: shape %llu x %llu has no data", ld->path,
                     (unsigned long long)ld->n_rows,
                     (unsigned long long)ld->n_features);
  if (y_dims[0] != ld->n_rows)
    return load_fail(ld, "%s: /y: %llu rows, but /X has %llu", ld->path,
                     (unsigned long long)y_dims[0],
                     (unsigned long long)ld->n_rows);
  if (ld->n_targets == 0)
    return load_fail(ld, "%s: /y: no target columns", ld->path);
  GError *limit_error = NULL;
  if (!dataset_check_elements(ld->n_rows, ld->n_features, "/X", &limit_error) ||
      !dataset_check_elements(ld->n_rows, ld->n_targets, "/y", &limit_error)) {
    g_propagate_prefixed_error(ld->error, limit_error, "%s: ", ld->path);
    return FALSE;
  }
  return h5_check_stored_size(ld->x, ld->path, "/X", ld->error) &&
         h5_check_stored_size(ld->y, ld->path, "/y", ld->error);
}

/* n_classes and class_names; either may be missing if the other is there. */
static gboolean read_classes(loader *ld) {
  g_autofree char *where = g_strdup_printf("%s: /", ld->path);
  gboolean present = FALSE;
  if (!h5_attr_read_int(ld->file, "n_classes", where, &present, &ld->n_classes,
                        ld->error) ||
      !h5_attr_read_strings(ld->file, "class_names", where, &ld->class_names,
                            &ld->n_class_names, ld->error))
    return FALSE;
  if (!present && !ld->class_names)
    return load_fail(ld,
                     "%s: /: attribute 'n_classes' is missing (a "
                     "classification dataset needs it)",
                     ld->path);
  if (!present) ld->n_classes = (long long)ld->n_class_names;
  if (ld->n_classes < 1 ||
      (unsigned long long)ld->n_classes > NNLAB_DATASET_MAX_CLASSES)
    return load_fail(ld, "%s: /: n_classes %lld is outside [1, %zu]", ld->path,
                     ld->n_classes, NNLAB_DATASET_MAX_CLASSES);
  if (ld->class_names && ld->n_class_names != (size_t)ld->n_classes)
    return load_fail(ld, "%s: /: %zu class_names for %lld classes", ld->path,
                     ld->n_class_names, ld->n_classes);
  return TRUE;
}

/* An optional name list on object that must have expected entries. */
static gboolean read_names(loader *ld, hid_t object, const char *object_name,
                           const char *attribute, size_t expected,
                           char ***names) {
  g_autofree char *where = g_strdup_printf("%s: %s", ld->path, object_name);
  size_t n = 0;
  if (!h5_attr_read_strings(object, attribute, where, names, &n, ld->error))
    return FALSE;
  if (*names && n != expected) {
    g_clear_pointer(names, g_strfreev);
    return load_fail(ld, "%s: attribute '%s' has %zu names for %zu columns",
                     where, attribute, n, expected);
  }
  return TRUE;
}

static gboolean check_finite(loader *ld, const char *name, const float *values,
                             size_t n_rows, size_t n_columns) {
  for (size_t i = 0; i < n_rows * n_columns; i++) {
    if (!isfinite(values[i]))
      return load_fail(ld, "%s: %s: row %zu, column %zu is %s", ld->path, name,
                       i / n_columns, i % n_columns,
                       isnan(values[i]) ? "NaN" : "infinite");
  }
  return TRUE;
}

static gboolean check_labels(loader *ld, const nnlab_dataset *dataset) {
  for (size_t i = 0; i < dataset->n_rows; i++) {
    int32_t label = dataset->labels[i];
    if (label < 0 || (size_t)label >= dataset->n_classes)
      return load_fail(ld, "%s: /y: label %d at row %zu is outside [0, %zu)",
                       ld->path, (int)label, i, dataset->n_classes);
  }
  return TRUE;
}

/* Reads all of set into values and checks them against its checksum,
 * before anything looks at them. */
static gboolean read_checked(loader *ld, hid_t set, const char *name,
                             hid_t memory_type, void *values, size_t n) {
  if (H5Dread(set, memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values) < 0)
    return load_fail(ld, "%s: %s: cannot read the values (the file is damaged)",
                     ld->path, name);
  return h5_checksum_verify(set, ld->path, name, memory_type, values, n,
                            ld->error);
}

static gboolean read_values(loader *ld, nnlab_dataset *dataset) {
  size_t rows = dataset->n_rows;
  if (!read_checked(ld, ld->x, "/X", H5T_NATIVE_FLOAT, dataset->features,
                    rows * dataset->n_features) ||
      !check_finite(ld, "/X", dataset->features, rows, dataset->n_features))
    return FALSE;
  if (dataset->task == NNLAB_TASK_CLASSIFICATION)
    return read_checked(ld, ld->y, "/y", H5T_NATIVE_INT32, dataset->labels,
                        rows) &&
           check_labels(ld, dataset);
  return read_checked(ld, ld->y, "/y", H5T_NATIVE_FLOAT, dataset->targets,
                      rows * dataset->n_targets) &&
         check_finite(ld, "/y", dataset->targets, rows, dataset->n_targets);
}

static nnlab_dataset *read_dataset(loader *ld) {
  gboolean classification = ld->task == NNLAB_TASK_CLASSIFICATION;
  if (classification && !read_classes(ld)) return NULL;
  GError *new_error = NULL;
  nnlab_dataset *dataset =
      nnlab_dataset_new(ld->task, ld->n_rows, ld->n_features, ld->n_targets,
                        classification ? (size_t)ld->n_classes : 0, &new_error);
  if (!dataset) {
    g_propagate_prefixed_error(ld->error, new_error, "%s: ", ld->path);
    return NULL;
  }
  g_autofree char *root = g_strdup_printf("%s: /", ld->path);
  if (!read_values(ld, dataset) ||
      !read_names(ld, ld->x, "/X", "feature_names", dataset->n_features,
                  &dataset->feature_names) ||
      !read_names(ld, ld->y, "/y", "target_names", dataset->n_targets,
                  &dataset->target_names) ||
      !h5_attr_read_string(ld->file, "source", root, &dataset->source,
                           ld->error)) {
    nnlab_dataset_free(dataset);
    return NULL;
  }
  if (classification)
    dataset->class_names =
        ld->class_names ? g_steal_pointer(&ld->class_names)
                        : nnlab_dataset_default_class_names(dataset->n_classes);
  return dataset;
}

nnlab_dataset *nnlab_dataset_load(const char *path, GError **error) {
  h5_silence silence;
  h5_silence_errors(&silence);
  loader ld = {.path = path, .file = -1, .x = -1, .y = -1, .error = error};
  nnlab_dataset *dataset = NULL;
  if (open_file(&ld) && read_header(&ld) && open_arrays(&ld))
    dataset = read_dataset(&ld);
  /* An older file loads, but nothing can tell whether its values are
   * intact: said once, with how to add checksums. */
  if (dataset && !ld.checksums)
    engine_warn(
        "%s: its arrays carry no checksums (written by an older "
        "nnlab or another program), so damage to them goes "
        "undetected; import it again (nnlab data import), or add "
        "them as docs/formats.md shows",
        path);
  if (ld.x >= 0) H5Dclose(ld.x);
  if (ld.y >= 0) H5Dclose(ld.y);
  if (ld.file >= 0) H5Fclose(ld.file);
  g_strfreev(ld.class_names);
  h5_unsilence_errors(&silence);
  return dataset;
}
