/* Mean absolute error, as torch.nn.L1Loss(reduction='mean'):
 *   loss = mean over all rows * cols elements of |pred - target|.
 * The gradient is sign(pred - target) / n, 0 where pred == target. */
#include <math.h>

#include <nnlab/plugin.h>

/* pred, targets->values, dpred: rows x cols. */
static nnlab_status mae_compute(const float *pred, const nnlab_targets *targets,
                                size_t rows, size_t cols, const nnlab_value *hp,
                                double *loss, float *dpred) {
  (void)hp;
  if (!pred || !loss || rows == 0 || cols == 0)
    return NNLAB_STATUS_INVALID_ARGUMENT;
  if (!targets || !targets->values) return NNLAB_STATUS_UNSUPPORTED;
  const float *target = targets->values;
  size_t n = rows * cols;
  float step = (float)(1.0 / (double)n);
  double sum = 0;
  for (size_t i = 0; i < n; i++) {
    double diff = (double)pred[i] - target[i];
    sum += fabs(diff);
    if (dpred) dpred[i] = diff > 0 ? step : diff < 0 ? -step : 0.0f;
  }
  *loss = sum / (double)n;
  return isfinite(*loss) ? NNLAB_STATUS_OK : NNLAB_STATUS_NUMERIC;
}

NNLAB_PLUGIN(.kind = NNLAB_KIND_LOSS, .name = "mae", .version = "1.0.0",
             .description = "Mean absolute error (L1), mean over all elements",
             .loss = {.targets = NNLAB_LOSS_FLOAT_TARGETS,
                      .compute = mae_compute},
             .loss_properties = {.input = NNLAB_LOSS_INPUT_VALUES});
