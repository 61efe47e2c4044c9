/* Binary cross-entropy on logits, as torch.nn.BCEWithLogitsLoss(reduction=
 * 'mean'). Like every plugin it sees only <nnlab/plugin.h>. It takes
 * logits, not probabilities: a sigmoid before it would be applied twice. */

/* For logit x and target t, in the form that is stable for any finite x,
 *   loss = max(x, 0) - x * t + log1p(exp(-|x|)),
 * averaged over all rows * cols elements; the gradient is
 * (sigmoid(x) - t) / n.
 *
 * Targets: float values (rows x cols, used when given), or, for a single
 * output (cols == 1), class indices 0 or 1. */
#include <math.h>

#include <nnlab/plugin.h>

/* Never evaluates exp of a positive argument, so never overflows. */
static double stable_sigmoid(double x) {
  if (x >= 0) return 1 / (1 + exp(-x));
  double e = exp(x);
  return e / (1 + e);
}

/* pred, dpred: rows x cols; targets->values rows x cols or, when cols == 1,
 * targets->classes rows. */
static nnlab_status bce_with_logits_compute(const float *pred,
                                            const nnlab_targets *targets,
                                            size_t rows, size_t cols,
                                            const nnlab_value *hp, double *loss,
                                            float *dpred) {
  (void)hp;
  if (!pred || !loss || rows == 0 || cols == 0)
    return NNLAB_STATUS_INVALID_ARGUMENT;
  const float *values = targets ? targets->values : NULL;
  const int32_t *classes = targets ? targets->classes : NULL;
  if (!values && !(classes && cols == 1)) return NNLAB_STATUS_UNSUPPORTED;
  size_t n = rows * cols;
  double sum = 0;
  for (size_t i = 0; i < n; i++) {
    double x = pred[i], t;
    if (values) {
      t = values[i];
    } else {
      if (classes[i] != 0 && classes[i] != 1)
        return NNLAB_STATUS_INVALID_ARGUMENT;
      t = classes[i];
    }
    sum += fmax(x, 0) - x * t + log1p(exp(-fabs(x)));
    if (dpred) dpred[i] = (float)((stable_sigmoid(x) - t) / (double)n);
  }
  *loss = sum / (double)n;
  return isfinite(*loss) ? NNLAB_STATUS_OK : NNLAB_STATUS_NUMERIC;
}

NNLAB_PLUGIN(.kind = NNLAB_KIND_LOSS, .name = "bce_with_logits",
             .version = "1.0.0",
             .description = "Binary cross-entropy on logits (fused sigmoid)",
             .loss = {.targets = NNLAB_LOSS_FLOAT_TARGETS |
                                 NNLAB_LOSS_CLASS_TARGETS,
                      .compute = bce_with_logits_compute},
             .loss_properties = {.input = NNLAB_LOSS_INPUT_LOGITS,
                                 .needs = NNLAB_LOSS_NEEDS_CLASS_LABELS});
