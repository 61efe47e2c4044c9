/* Helpers shared by the dataset sources (not part of the public API). */
#ifndef NNLAB_DATASET_INTERNAL_H
#define NNLAB_DATASET_INTERNAL_H

#include <nnlab/dataset.h>

/* The root attributes that identify a dataset file (docs/formats.md). */
#define DATASET_FORMAT_NAME "nnlab-dataset"
#define DATASET_FORMAT_VERSION 1

/* FALSE with an error naming what if n_rows x n_columns overflows or is
 * more than NNLAB_DATASET_MAX_ELEMENTS. */
gboolean dataset_check_elements(size_t n_rows, size_t n_columns,
                                const char *what, GError **error);

#endif
