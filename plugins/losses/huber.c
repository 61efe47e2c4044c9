/* Huber loss, as torch.nn.HuberLoss(reduction='mean', delta). Like every
 * plugin it sees only <nnlab/plugin.h>. It takes float targets only, not
 * class indices. */

/* With d = pred - target,
 *   0.5 * d^2                    if |d| < delta
 *   delta * (|d| - 0.5 * delta)  otherwise,
 * averaged over all rows * cols elements. The gradient is d clipped to
 * [-delta, delta], divided by the element count. */
#include <float.h>
#include <math.h>

#include <nnlab/plugin.h>

static const nnlab_hparam huber_hparams[] = {
    NNLAB_HPARAM_FLOAT_DEF("delta", 1.0, 0.0, INFINITY,
                           NNLAB_HPARAM_MIN_EXCLUSIVE,
                           "where the loss turns from quadratic to linear"),
};

/* pred, targets->values, dpred: rows x cols. hp[0].f is delta. */
static nnlab_status huber_compute(const float *pred,
                                  const nnlab_targets *targets, size_t rows,
                                  size_t cols, const nnlab_value *hp,
                                  double *loss, float *dpred) {
  double delta = hp ? hp[0].f : huber_hparams[0].default_value[0];
  if (!pred || !loss || rows == 0 || cols == 0 || !(delta > 0))
    return NNLAB_STATUS_INVALID_ARGUMENT;
  if (!targets || !targets->values) return NNLAB_STATUS_UNSUPPORTED;
  const float *target = targets->values;
  size_t n = rows * cols;
  double sum = 0;
  for (size_t i = 0; i < n; i++) {
    double diff = (double)pred[i] - target[i];
    double grad;
    if (fabs(diff) < delta) {
      sum += 0.5 * diff * diff;
      grad = diff;
    } else {
      sum += delta * (fabs(diff) - 0.5 * delta);
      grad = diff > 0 ? delta : -delta;
    }
    if (dpred) {
      grad /= (double)n;
      if (fabs(grad) > FLT_MAX) return NNLAB_STATUS_NUMERIC;
      dpred[i] = (float)grad;
    }
  }
  *loss = sum / (double)n;
  return isfinite(*loss) ? NNLAB_STATUS_OK : NNLAB_STATUS_NUMERIC;
}

NNLAB_PLUGIN(.kind = NNLAB_KIND_LOSS, .name = "huber", .version = "1.0.0",
             .description = "Huber loss: quadratic near 0, linear beyond delta",
             .hparams = huber_hparams,
             .n_hparams = NNLAB_ARRAY_LENGTH(huber_hparams),
             .loss = {.targets = NNLAB_LOSS_FLOAT_TARGETS,
                      .compute = huber_compute},
             .loss_properties = {.input = NNLAB_LOSS_INPUT_VALUES});
