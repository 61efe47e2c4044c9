/* Metrics of a pass over data: the predicted class of an output row, and
 * the accumulator behind loss, accuracy, rmse, mae and r2. It only adds up
 * outputs it is handed; it runs no model. */
#include <math.h>
#include <string.h>

#include "model/metrics_accumulator.h"

int32_t nnlab_predicted_class(const float *output, size_t k, double threshold) {
  if (k == 1) return output[0] >= threshold ? 1 : 0;
  size_t best = 0;
  for (size_t j = 1; j < k; j++)
    if (output[j] > output[best]) best = j;
  return (int32_t)best;
}

/* A logit of 0 is a probability of 1/2. */
double nnlab_loss_class_threshold(const nnlab_component *loss) {
  return loss->info->loss_properties.input == NNLAB_LOSS_INPUT_LOGITS ? 0.0
                                                                      : 0.5;
}

void metrics_accumulator_init(metrics_accumulator *acc, nnlab_task task,
                              size_t k, double threshold) {
  memset(acc, 0, sizeof *acc);
  acc->task = task;
  acc->k = k;
  acc->threshold = threshold;
  if (task == NNLAB_TASK_REGRESSION) {
    acc->target_sum = g_new0(double, k);
    acc->target_square_sum = g_new0(double, k);
    acc->column_squared_error = g_new0(double, k);
  }
}

void metrics_accumulator_clear(metrics_accumulator *acc) {
  g_clear_pointer(&acc->target_sum, g_free);
  g_clear_pointer(&acc->target_square_sum, g_free);
  g_clear_pointer(&acc->column_squared_error, g_free);
}

void metrics_accumulator_add(metrics_accumulator *acc, size_t rows,
                             double mean_loss, const float *outputs,
                             const int32_t *labels, const float *values) {
  acc->rows += rows;
  acc->loss_sum += mean_loss * (double)rows;
  size_t k = acc->k;
  for (size_t r = 0; r < rows; r++) {
    const float *out = outputs + r * k;
    if (acc->task == NNLAB_TASK_CLASSIFICATION) {
      acc->correct +=
          nnlab_predicted_class(out, k, acc->threshold) == labels[r];
      continue;
    }
    for (size_t j = 0; j < k; j++) {
      double target = values[r * k + j], error = (double)out[j] - target;
      acc->squared_error += error * error;
      acc->absolute_error += fabs(error);
      acc->column_squared_error[j] += error * error;
      acc->target_sum[j] += target;
      acc->target_square_sum[j] += target * target;
    }
  }
}

nnlab_metrics metrics_accumulator_result(const metrics_accumulator *acc) {
  nnlab_metrics m = {NAN, NAN, NAN, NAN, NAN};
  if (acc->rows == 0) return m;
  double n = (double)acc->rows;
  m.loss = acc->loss_sum / n;
  if (acc->task == NNLAB_TASK_CLASSIFICATION) {
    m.accuracy = (double)acc->correct / n;
    return m;
  }
  double cells = n * (double)acc->k, r2_sum = 0;
  m.rmse = sqrt(acc->squared_error / cells);
  m.mae = acc->absolute_error / cells;
  for (size_t j = 0; j < acc->k; j++) {
    double mean = acc->target_sum[j] / n;
    double total = acc->target_square_sum[j] - n * mean * mean;
    r2_sum += total > 0 ? 1.0 - acc->column_squared_error[j] / total : NAN;
  }
  m.r2 = r2_sum / (double)acc->k;
  return m;
}
