/* Per-column statistics and class counts, for `nnlab data info`. Read-only
 * over the dataset, in double with two passes for a stable variance. */
#include <math.h>

#include <nnlab/dataset.h>

/* Two passes over the rows (sums, then squared deviations from the mean),
 * in double precision and row order so memory is read sequentially. */
static nnlab_column_stats *all_columns(const float *values, size_t n_rows,
                                       size_t n_columns, GError **error) {
  nnlab_column_stats *stats = g_try_new0(nnlab_column_stats, n_columns);
  if (!stats) {
    g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_NO_MEMORY,
                "cannot allocate statistics for %zu columns", n_columns);
    return NULL;
  }
  for (size_t j = 0; j < n_columns; j++) {
    stats[j].min = INFINITY;
    stats[j].max = -INFINITY;
  }
  for (size_t i = 0; i < n_rows; i++) {
    const float *row = values + i * n_columns;
    for (size_t j = 0; j < n_columns; j++) {
      stats[j].mean += row[j];
      stats[j].min = MIN(stats[j].min, (double)row[j]);
      stats[j].max = MAX(stats[j].max, (double)row[j]);
    }
  }
  for (size_t j = 0; j < n_columns; j++) stats[j].mean /= (double)n_rows;
  for (size_t i = 0; i < n_rows; i++) {
    const float *row = values + i * n_columns;
    for (size_t j = 0; j < n_columns; j++) {
      double deviation = row[j] - stats[j].mean;
      stats[j].std += deviation * deviation;
    }
  }
  for (size_t j = 0; j < n_columns; j++)
    stats[j].std = sqrt(stats[j].std / (double)n_rows);
  return stats;
}

nnlab_column_stats *nnlab_dataset_feature_stats(const nnlab_dataset *dataset,
                                                GError **error) {
  return all_columns(dataset->features, dataset->n_rows, dataset->n_features,
                     error);
}

nnlab_column_stats *nnlab_dataset_target_stats(const nnlab_dataset *dataset,
                                               GError **error) {
  if (dataset->task != NNLAB_TASK_REGRESSION) return NULL;
  return all_columns(dataset->targets, dataset->n_rows, dataset->n_targets,
                     error);
}

size_t *nnlab_dataset_class_counts(const nnlab_dataset *dataset) {
  if (dataset->task != NNLAB_TASK_CLASSIFICATION) return NULL;
  size_t *counts = g_new0(size_t, dataset->n_classes);
  for (size_t i = 0; i < dataset->n_rows; i++) {
    int32_t label = dataset->labels[i];
    if (label >= 0 && (size_t)label < dataset->n_classes) counts[label]++;
  }
  return counts;
}
