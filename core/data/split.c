/* Train, validation and test splits of a dataset (stratified by class when
 * asked), dealt by a generator seeded from the config so that a seed always
 * gives the same split, and the standardization fitted on the rows it is
 * given. It never changes the dataset. */
#include <math.h>
#include <string.h>

#include <nnlab/rng.h>
#include <nnlab/split.h>

static int compare_indices(const void *a, const void *b) {
  size_t x = *(const size_t *)a, y = *(const size_t *)b;
  return (x > y) - (x < y);
}

/* Shuffles a group of rows and deals round(fraction * size) of them to
 * test, then to validation, the rest to training. */
static void deal_group(nnlab_rng *rng, size_t *rows, size_t n,
                       const nnlab_split_config *config, nnlab_split *split) {
  nnlab_rng_shuffle(rng, rows, n);
  size_t n_test = (size_t)llround(config->test_fraction * (double)n);
  size_t n_val = (size_t)llround(config->val_fraction * (double)n);
  if (n_test + n_val > n) n_val = n - n_test;
  for (size_t i = 0; i < n; i++) {
    if (i < n_test)
      split->test[split->n_test++] = rows[i];
    else if (i < n_test + n_val)
      split->val[split->n_val++] = rows[i];
    else
      split->train[split->n_train++] = rows[i];
  }
}

gboolean nnlab_split_make(const nnlab_dataset *data,
                          const nnlab_split_config *config, nnlab_split *split,
                          GError **error) {
  memset(split, 0, sizeof *split);
  double v = config->val_fraction, t = config->test_fraction;
  if (!(v >= 0 && t >= 0 && v + t < 1)) {
    g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_RANGE,
                "split fractions: validation %g and test %g must be >= 0 and "
                "sum to less than 1",
                v, t);
    return FALSE;
  }
  size_t n = data->n_rows;
  split->train = g_new(size_t, MAX(n, 1));
  split->val = g_new(size_t, MAX(n, 1));
  split->test = g_new(size_t, MAX(n, 1));
  g_autofree size_t *rows = g_new(size_t, MAX(n, 1));
  nnlab_rng rng;
  nnlab_rng_seed(&rng, config->seed);
  gboolean by_class =
      config->stratify && data->task == NNLAB_TASK_CLASSIFICATION;
  size_t groups = by_class ? data->n_classes : 1;
  for (size_t c = 0; c < groups; c++) {
    size_t count = 0;
    for (size_t r = 0; r < n; r++)
      if (!by_class || (size_t)data->labels[r] == c) rows[count++] = r;
    deal_group(&rng, rows, count, config, split);
  }
  qsort(split->train, split->n_train, sizeof(size_t), compare_indices);
  qsort(split->val, split->n_val, sizeof(size_t), compare_indices);
  qsort(split->test, split->n_test, sizeof(size_t), compare_indices);
  if (split->n_train == 0) {
    nnlab_split_clear(split);
    g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_RANGE,
                "the split leaves no training rows (%zu rows in all)", n);
    return FALSE;
  }
  return TRUE;
}

void nnlab_split_clear(nnlab_split *split) {
  g_clear_pointer(&split->train, g_free);
  g_clear_pointer(&split->val, g_free);
  g_clear_pointer(&split->test, g_free);
  split->n_train = split->n_val = split->n_test = 0;
}

void nnlab_standardization_fit(const nnlab_dataset *data, const size_t *rows,
                               size_t n_rows, float *mean, float *std) {
  size_t d = data->n_features;
  for (size_t j = 0; j < d; j++) {
    double sum = 0, square_sum = 0;
    for (size_t i = 0; i < n_rows; i++) sum += data->features[rows[i] * d + j];
    double m = n_rows ? sum / (double)n_rows : 0;
    for (size_t i = 0; i < n_rows; i++) {
      double dev = data->features[rows[i] * d + j] - m;
      square_sum += dev * dev;
    }
    double s = n_rows ? sqrt(square_sum / (double)n_rows) : 0;
    mean[j] = (float)m;
    std[j] = s > 1e-12 && isfinite(s) ? (float)s : 1.0f;
  }
}
