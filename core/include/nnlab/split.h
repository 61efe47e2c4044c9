/* Seeded train / validation / test splits and feature standardization
 * fitted on the training rows only. */
#ifndef NNLAB_SPLIT_H
#define NNLAB_SPLIT_H

#include <nnlab/dataset.h>

G_BEGIN_DECLS

typedef struct nnlab_split_config {
  double val_fraction;  /* of all rows, in [0, 1) */
  double test_fraction; /* of all rows, in [0, 1); sum below 1 */
  uint64_t seed;
  gboolean stratify; /* per class, for classification data */
} nnlab_split_config;

/* Row indices of each part, each in increasing order. */
typedef struct nnlab_split {
  size_t *train, *val, *test;
  size_t n_train, n_val, n_test;
} nnlab_split;

/* The same data, config and seed give the same split. Stratified splits
 * take round(fraction * class size) rows of every class. */
NNLAB_API gboolean nnlab_split_make(const nnlab_dataset *data,
                                    const nnlab_split_config *config,
                                    nnlab_split *split, GError **error);
NNLAB_API void nnlab_split_clear(nnlab_split *split);

/* Per-feature mean and standard deviation (population) over the given
 * rows; a constant feature gets std 1 so it standardizes to 0. */
NNLAB_API void nnlab_standardization_fit(const nnlab_dataset *data,
                                         const size_t *rows, size_t n_rows,
                                         float *mean, float *std);

G_END_DECLS

#endif
