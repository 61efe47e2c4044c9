/* Cross-entropy from logits, as torch.nn.CrossEntropyLoss(reduction='mean',
 * label_smoothing). Like every plugin it sees only <nnlab/plugin.h>. It
 * applies the log-softmax itself, so it takes logits, not probabilities
 * (nll.c takes log-probabilities). */

/* For row r with logits x and target distribution t,
 *   loss_r = -sum_c t_c * log_softmax(x)_c,
 * log_softmax by a fused log-sum-exp that is finite for any finite logits,
 * and loss = mean over rows. With label smoothing e over K = cols classes
 * the target becomes (1 - e) * t + e / K. The gradient is
 * (sum_c t_c * softmax(x) - t) / rows, which is softmax(x) - t for a
 * one-hot or probability target.
 *
 * Targets: float values (rows x cols, probabilities or one-hot; used when
 * given), or class indices (rows, each in [0, cols)). */
#include <math.h>

#include <nnlab/plugin.h>

static const nnlab_hparam cross_entropy_hparams[] = {
    NNLAB_HPARAM_FLOAT_DEF("label_smoothing", 0.0, 0.0, 1.0, 0,
                           "weight moved from the target to a uniform "
                           "distribution over the classes"),
};

/* log(sum_c exp(x_c)) for x[0..cols), shifted by the maximum. */
static double log_sum_exp(const float *x, size_t cols) {
  double max = x[0];
  for (size_t c = 1; c < cols; c++) max = fmax(max, x[c]);
  double sum = 0;
  for (size_t c = 0; c < cols; c++) sum += exp(x[c] - max);
  return max + log(sum);
}

/* pred, dpred: rows x cols; targets->values rows x cols or targets->classes
 * rows. hp[0].f is label_smoothing. */
static nnlab_status cross_entropy_compute(const float *pred,
                                          const nnlab_targets *targets,
                                          size_t rows, size_t cols,
                                          const nnlab_value *hp, double *loss,
                                          float *dpred) {
  double smoothing = hp ? hp[0].f : cross_entropy_hparams[0].default_value[0];
  if (!pred || !loss || rows == 0 || cols == 0 ||
      !(smoothing >= 0 && smoothing <= 1))
    return NNLAB_STATUS_INVALID_ARGUMENT;
  const float *values = targets ? targets->values : NULL;
  const int32_t *classes = targets ? targets->classes : NULL;
  if (!values && !classes) return NNLAB_STATUS_UNSUPPORTED;
  double uniform = smoothing / (double)cols;
  double sum = 0;
  for (size_t r = 0; r < rows; r++) {
    const float *x = pred + r * cols;
    const float *t_row = values ? values + r * cols : NULL;
    size_t label = 0;
    double target_sum = 1; /* of the unsmoothed target */
    if (t_row) {
      target_sum = 0;
      for (size_t c = 0; c < cols; c++) target_sum += t_row[c];
    } else {
      if (classes[r] < 0 || (size_t)classes[r] >= cols)
        return NNLAB_STATUS_INVALID_ARGUMENT;
      label = (size_t)classes[r];
    }
    double smoothed_sum = (1 - smoothing) * target_sum + smoothing;
    double lse = log_sum_exp(x, cols);
    for (size_t c = 0; c < cols; c++) {
      double t = t_row ? t_row[c] : c == label ? 1.0 : 0.0;
      t = (1 - smoothing) * t + uniform;
      double log_p = x[c] - lse;
      sum -= t * log_p;
      if (dpred)
        dpred[r * cols + c] =
            (float)((smoothed_sum * exp(log_p) - t) / (double)rows);
    }
  }
  *loss = sum / (double)rows;
  return isfinite(*loss) ? NNLAB_STATUS_OK : NNLAB_STATUS_NUMERIC;
}

NNLAB_PLUGIN(.kind = NNLAB_KIND_LOSS, .name = "cross_entropy",
             .version = "1.0.0",
             .description = "Softmax cross-entropy from logits, mean over rows",
             .hparams = cross_entropy_hparams,
             .n_hparams = NNLAB_ARRAY_LENGTH(cross_entropy_hparams),
             .loss = {.targets = NNLAB_LOSS_FLOAT_TARGETS |
                                 NNLAB_LOSS_CLASS_TARGETS,
                      .compute = cross_entropy_compute},
             .loss_properties = {.input = NNLAB_LOSS_INPUT_LOGITS,
                                 .needs = NNLAB_LOSS_NEEDS_CLASS_LABELS |
                                          NNLAB_LOSS_NEEDS_OUTPUT_PER_CLASS});
