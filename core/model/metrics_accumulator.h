/* Accumulates loss and metrics over batches in a fixed order. */
#ifndef NNLAB_METRICS_ACCUMULATOR_H
#define NNLAB_METRICS_ACCUMULATOR_H

#include <nnlab/metrics.h>

typedef struct metrics_accumulator {
  nnlab_task task;
  size_t k; /* outputs per row */
  double threshold;
  size_t rows, correct;
  double loss_sum;
  double squared_error, absolute_error;
  double *target_sum, *target_square_sum, *column_squared_error; /* per k */
} metrics_accumulator;

void metrics_accumulator_init(metrics_accumulator *acc, nnlab_task task,
                              size_t k, double threshold);
void metrics_accumulator_clear(metrics_accumulator *acc);
/* Adds a batch: its mean loss, outputs (rows x k) and targets. For
 * classification, labels; for regression, values (rows x k). */
void metrics_accumulator_add(metrics_accumulator *acc, size_t rows,
                             double mean_loss, const float *outputs,
                             const int32_t *labels, const float *values);
nnlab_metrics metrics_accumulator_result(const metrics_accumulator *acc);

#endif
