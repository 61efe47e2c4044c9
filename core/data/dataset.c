/* Datasets in memory: allocation, row selection and task names. Buffers
 * come from alloc.c, with their sizes checked for overflow first; no file
 * is read or written here (dataset_hdf5.c and the importers do that). */
#include <string.h>

#include <nnlab/dataset.h>

#include "base/alloc.h"
#include "data/dataset_internal.h"

gboolean dataset_check_elements(size_t n_rows, size_t n_columns,
                                const char *what, GError **error) {
  size_t elements = 0;
  if (!g_size_checked_mul(&elements, n_rows, n_columns) ||
      elements > NNLAB_DATASET_MAX_ELEMENTS) {
    g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_RANGE,
                "%s: %zu x %zu elements is more than nnlab's limit of %zu",
                what, n_rows, n_columns, NNLAB_DATASET_MAX_ELEMENTS);
    return FALSE;
  }
  return TRUE;
}

static gboolean check_shape(nnlab_task task, size_t n_rows, size_t n_features,
                            size_t n_targets, size_t n_classes,
                            GError **error) {
  if (task != NNLAB_TASK_REGRESSION && task != NNLAB_TASK_CLASSIFICATION) {
    g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_INVALID,
                "unknown dataset task %d", (int)task);
    return FALSE;
  }
  if (n_rows == 0 || n_features == 0) {
    g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_INVALID,
                "a dataset needs at least one row and one feature (got %zu "
                "x %zu)",
                n_rows, n_features);
    return FALSE;
  }
  if (task == NNLAB_TASK_REGRESSION && n_targets == 0) {
    g_set_error_literal(error, NNLAB_ERROR, NNLAB_ERROR_INVALID,
                        "a regression dataset needs at least one target");
    return FALSE;
  }
  if (task == NNLAB_TASK_CLASSIFICATION && n_targets != 1) {
    g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_INVALID,
                "a classification dataset has one label per row, not %zu",
                n_targets);
    return FALSE;
  }
  if (task == NNLAB_TASK_CLASSIFICATION &&
      (n_classes == 0 || n_classes > NNLAB_DATASET_MAX_CLASSES)) {
    g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_RANGE,
                "%zu classes is outside [1, %zu]", n_classes,
                NNLAB_DATASET_MAX_CLASSES);
    return FALSE;
  }
  return dataset_check_elements(n_rows, n_features, "features", error) &&
         dataset_check_elements(n_rows, n_targets, "targets", error);
}

nnlab_dataset *nnlab_dataset_new(nnlab_task task, size_t n_rows,
                                 size_t n_features, size_t n_targets,
                                 size_t n_classes, GError **error) {
  if (!check_shape(task, n_rows, n_features, n_targets, n_classes, error))
    return NULL;
  nnlab_dataset *dataset = g_new0(nnlab_dataset, 1);
  dataset->task = task;
  dataset->n_rows = n_rows;
  dataset->n_features = n_features;
  dataset->n_targets = n_targets;
  dataset->n_classes = task == NNLAB_TASK_CLASSIFICATION ? n_classes : 0;
  dataset->features =
      alloc_array(n_rows * n_features, sizeof(float), "features", error);
  if (!dataset->features) goto fail;
  if (task == NNLAB_TASK_REGRESSION)
    dataset->targets =
        alloc_array(n_rows * n_targets, sizeof(float), "targets", error);
  else
    dataset->labels = alloc_array(n_rows, sizeof(int32_t), "labels", error);
  if (!dataset->targets && !dataset->labels) goto fail;
  return dataset;
fail:
  nnlab_dataset_free(dataset);
  return NULL;
}

void nnlab_dataset_free(nnlab_dataset *dataset) {
  if (!dataset) return;
  alloc_free(dataset->features);
  alloc_free(dataset->targets);
  alloc_free(dataset->labels);
  g_strfreev(dataset->feature_names);
  g_strfreev(dataset->target_names);
  g_strfreev(dataset->class_names);
  g_free(dataset->source);
  g_free(dataset);
}

nnlab_dataset *nnlab_dataset_select(const nnlab_dataset *dataset,
                                    const size_t *indices, size_t n_indices,
                                    GError **error) {
  for (size_t i = 0; i < n_indices; i++) {
    if (indices[i] >= dataset->n_rows) {
      g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_RANGE,
                  "row index %zu (selection entry %zu) is outside [0, %zu)",
                  indices[i], i, dataset->n_rows);
      return NULL;
    }
  }
  nnlab_dataset *subset =
      nnlab_dataset_new(dataset->task, n_indices, dataset->n_features,
                        dataset->n_targets, dataset->n_classes, error);
  if (!subset) return NULL;
  size_t d = dataset->n_features, k = dataset->n_targets;
  for (size_t i = 0; i < n_indices; i++) {
    size_t row = indices[i];
    memcpy(subset->features + i * d, dataset->features + row * d,
           d * sizeof(float));
    if (dataset->targets)
      memcpy(subset->targets + i * k, dataset->targets + row * k,
             k * sizeof(float));
    else
      subset->labels[i] = dataset->labels[row];
  }
  subset->feature_names = g_strdupv(dataset->feature_names);
  subset->target_names = g_strdupv(dataset->target_names);
  subset->class_names = g_strdupv(dataset->class_names);
  subset->source = g_strdup(dataset->source);
  return subset;
}

const char *nnlab_task_name(nnlab_task task) {
  switch (task) {
    case NNLAB_TASK_REGRESSION:
      return "regression";
    case NNLAB_TASK_CLASSIFICATION:
      return "classification";
  }
  return NULL;
}

gboolean nnlab_task_from_name(const char *name, nnlab_task *task) {
  if (g_strcmp0(name, "regression") == 0) {
    *task = NNLAB_TASK_REGRESSION;
    return TRUE;
  }
  if (g_strcmp0(name, "classification") == 0) {
    *task = NNLAB_TASK_CLASSIFICATION;
    return TRUE;
  }
  return FALSE;
}

char **nnlab_dataset_default_class_names(size_t n_classes) {
  char **names = g_new0(char *, n_classes + 1);
  for (size_t i = 0; i < n_classes; i++) names[i] = g_strdup_printf("%zu", i);
  return names;
}
