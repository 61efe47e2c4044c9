/* Negative log-likelihood, as torch.nn.NLLLoss(reduction='mean'): pred holds
 * log-probabilities (e.g. from log_softmax) and each row's class k,
 *   loss = -mean over rows of pred[r, k].
 * The gradient is -1 / rows at each row's class, 0 elsewhere. */
#include <math.h>

#include <nnlab/plugin.h>

/* pred, dpred: rows x cols; targets->classes: rows, each in [0, cols). */
static nnlab_status nll_compute(const float *pred, const nnlab_targets *targets,
                                size_t rows, size_t cols, const nnlab_value *hp,
                                double *loss, float *dpred) {
  (void)hp;
  if (!pred || !loss || rows == 0 || cols == 0)
    return NNLAB_STATUS_INVALID_ARGUMENT;
  if (!targets || !targets->classes) return NNLAB_STATUS_UNSUPPORTED;
  const int32_t *classes = targets->classes;
  float step = (float)(-1.0 / (double)rows);
  double sum = 0;
  for (size_t r = 0; r < rows; r++) {
    if (classes[r] < 0 || (size_t)classes[r] >= cols)
      return NNLAB_STATUS_INVALID_ARGUMENT;
    size_t label = (size_t)classes[r];
    sum -= pred[r * cols + label];
    if (dpred)
      for (size_t c = 0; c < cols; c++)
        dpred[r * cols + c] = c == label ? step : 0.0f;
  }
  *loss = sum / (double)rows;
  return isfinite(*loss) ? NNLAB_STATUS_OK : NNLAB_STATUS_NUMERIC;
}

NNLAB_PLUGIN(.kind = NNLAB_KIND_LOSS, .name = "nll", .version = "1.0.0",
             .description = "Negative log-likelihood of log-probabilities",
             .loss = {.targets = NNLAB_LOSS_CLASS_TARGETS,
                      .compute = nll_compute},
             .loss_properties = {.input = NNLAB_LOSS_INPUT_LOG_PROBABILITIES,
                                 .needs = NNLAB_LOSS_NEEDS_CLASS_LABELS |
                                          NNLAB_LOSS_NEEDS_OUTPUT_PER_CLASS});
