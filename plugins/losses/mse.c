/* Mean squared error, as torch.nn.MSELoss(reduction='mean'):
 *   loss = mean over all rows * cols elements of (pred - target)^2. */
#include <float.h>
#include <math.h>

#include <nnlab/plugin.h>

/* pred, targets->values, dpred: rows x cols. */
static nnlab_status mse_compute(const float *pred, const nnlab_targets *targets,
                                size_t rows, size_t cols, const nnlab_value *hp,
                                double *loss, float *dpred) {
  (void)hp;
  if (!pred || !loss || rows == 0 || cols == 0)
    return NNLAB_STATUS_INVALID_ARGUMENT;
  if (!targets || !targets->values) return NNLAB_STATUS_UNSUPPORTED;
  const float *target = targets->values;
  size_t n = rows * cols;
  const double grad_scale = 2.0 / (double)n;
  double sum = 0;
  for (size_t i = 0; i < n; i++) {
    double diff = (double)pred[i] - target[i];
    sum += diff * diff;
    if (dpred) {
      double grad = grad_scale * diff;
      if (fabs(grad) > FLT_MAX) return NNLAB_STATUS_NUMERIC;
      dpred[i] = (float)grad;
    }
  }
  *loss = sum / (double)n;
  return isfinite(*loss) ? NNLAB_STATUS_OK : NNLAB_STATUS_NUMERIC;
}

NNLAB_PLUGIN(.kind = NNLAB_KIND_LOSS, .name = "mse", .version = "1.0.0",
             .description = "Mean squared error, mean over all elements",
             .loss = {.targets = NNLAB_LOSS_FLOAT_TARGETS,
                      .compute = mse_compute},
             .loss_properties = {.input = NNLAB_LOSS_INPUT_VALUES});
