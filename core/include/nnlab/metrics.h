/* Loss and the metrics reported per epoch and by nnlab eval. */
#ifndef NNLAB_METRICS_H
#define NNLAB_METRICS_H

#include <nnlab/component.h>
#include <nnlab/dataset.h>

G_BEGIN_DECLS

/* Fields that do not apply to the task are NaN: accuracy for
 * classification; rmse, mae and r2 (averaged over targets) for
 * regression. */
typedef struct nnlab_metrics {
  double loss;
  double accuracy;
  double rmse;
  double mae;
  double r2;
} nnlab_metrics;

/* The predicted class of one output row of k values: argmax for k > 1;
 * for a single output, output >= threshold (0.5 for probabilities, 0 for
 * logits: see nnlab_loss_class_threshold). */
NNLAB_API int32_t nnlab_predicted_class(const float *output, size_t k,
                                        double threshold);
/* 0 for losses that take logits (bce_with_logits), else 0.5. */
NNLAB_API double nnlab_loss_class_threshold(const nnlab_component *loss);

G_END_DECLS

#endif
