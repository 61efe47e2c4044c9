/* Log-cosh loss, a plugin from outside the tree as a user would write one,
 * for compare's test of candidates with different losses. It is not one of
 * the built-in losses and is not installed. */

/* With d = pred - target, mean(log(cosh(d))) over all rows * cols elements,
 * about d^2 / 2 near 0 and |d| - log 2 far from it. Its values are smaller
 * than mse's on the same predictions, which is what the comparison test
 * needs: a candidate must not "win" by reporting a smaller kind of loss.
 * The gradient is tanh(d) divided by the element count. */
#include <math.h>

#include <nnlab/plugin.h>

/* log(cosh(d)) without overflow: |d| + log(1 + e^(-2|d|)) - log 2. */
static double log_cosh(double d) {
  double a = fabs(d);
  return a + log1p(exp(-2 * a)) - M_LN2;
}

/* pred, targets->values, dpred: rows x cols. */
static nnlab_status log_cosh_compute(const float *pred,
                                     const nnlab_targets *targets, size_t rows,
                                     size_t cols, const nnlab_value *hp,
                                     double *loss, float *dpred) {
  (void)hp;
  if (!pred || !loss || rows == 0 || cols == 0)
    return NNLAB_STATUS_INVALID_ARGUMENT;
  if (!targets || !targets->values) return NNLAB_STATUS_UNSUPPORTED;
  size_t n = rows * cols;
  double sum = 0;
  for (size_t i = 0; i < n; i++) {
    double d = (double)pred[i] - targets->values[i];
    sum += log_cosh(d);
    if (dpred) dpred[i] = (float)(tanh(d) / (double)n);
  }
  *loss = sum / (double)n;
  return isfinite(*loss) ? NNLAB_STATUS_OK : NNLAB_STATUS_NUMERIC;
}

NNLAB_PLUGIN(.kind = NNLAB_KIND_LOSS, .name = "log_cosh", .version = "1.0.0",
             .description = "log(cosh(pred - target)), averaged",
             .loss = {.targets = NNLAB_LOSS_FLOAT_TARGETS,
                      .compute = log_cosh_compute},
             .loss_properties = {.input = NNLAB_LOSS_INPUT_VALUES});
