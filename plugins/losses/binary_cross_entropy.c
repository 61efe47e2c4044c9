/* Binary cross-entropy on probabilities, as torch.nn.BCELoss(reduction=
 * 'mean'). Like every plugin it sees only <nnlab/plugin.h>. It takes
 * probabilities in [0, 1], not logits (bce_with_logits.c takes those). */

/* With p = pred in [0, 1] and target t,
 *   loss = -(t * log(p) + (1 - t) * log(1 - p)),
 * each log clamped to >= -100 so p of exactly 0 or 1 costs at most 100,
 * averaged over all rows * cols elements.
 *
 * Targets: float values (rows x cols, used when given), or, for a single
 * output (cols == 1), class indices 0 or 1. */
#include <math.h>

#include <nnlab/plugin.h>

/* torch's clamp of the logs, which keeps the loss finite at p = 0 or 1. */
#define BCE_LOG_MIN (-100.0)
/* The gradient (p - t) / (p * (1 - p)) uses p clamped into [eps, 1 - eps],
 * so it stays finite (at most about 1e12 / n) at p = 0 or 1. */
#define BCE_GRAD_EPS 1e-12

static double clamped_log(double x) {
  return x > 0 ? fmax(log(x), BCE_LOG_MIN) : BCE_LOG_MIN;
}

/* pred, dpred: rows x cols; targets->values rows x cols or, when cols == 1,
 * targets->classes rows. */
static nnlab_status bce_compute(const float *pred, const nnlab_targets *targets,
                                size_t rows, size_t cols, const nnlab_value *hp,
                                double *loss, float *dpred) {
  (void)hp;
  if (!pred || !loss || rows == 0 || cols == 0)
    return NNLAB_STATUS_INVALID_ARGUMENT;
  const float *values = targets ? targets->values : NULL;
  const int32_t *classes = targets ? targets->classes : NULL;
  if (!values && !(classes && cols == 1)) return NNLAB_STATUS_UNSUPPORTED;
  size_t n = rows * cols;
  double sum = 0;
  for (size_t i = 0; i < n; i++) {
    double p = pred[i], t;
    if (isnan(p)) return NNLAB_STATUS_NUMERIC;
    if (p < 0 || p > 1) return NNLAB_STATUS_INVALID_ARGUMENT;
    if (values) {
      t = values[i];
    } else {
      if (classes[i] != 0 && classes[i] != 1)
        return NNLAB_STATUS_INVALID_ARGUMENT;
      t = classes[i];
    }
    sum -= t * clamped_log(p) + (1 - t) * clamped_log(1 - p);
    if (dpred) {
      double q = fmin(fmax(p, BCE_GRAD_EPS), 1 - BCE_GRAD_EPS);
      dpred[i] = (float)((q - t) / (q * (1 - q)) / (double)n);
    }
  }
  *loss = sum / (double)n;
  return isfinite(*loss) ? NNLAB_STATUS_OK : NNLAB_STATUS_NUMERIC;
}

NNLAB_PLUGIN(.kind = NNLAB_KIND_LOSS, .name = "binary_cross_entropy",
             .version = "1.0.0",
             .description = "Binary cross-entropy on probabilities in [0, 1]",
             .loss = {.targets = NNLAB_LOSS_FLOAT_TARGETS |
                                 NNLAB_LOSS_CLASS_TARGETS,
                      .compute = bce_compute},
             .loss_properties = {.input = NNLAB_LOSS_INPUT_PROBABILITIES,
                                 .needs = NNLAB_LOSS_NEEDS_CLASS_LABELS});
