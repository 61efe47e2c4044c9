/* sigmoid: y = 1 / (1 + e^-x), the logistic function. */
#include <math.h>

#include <nnlab/plugin.h>

/* Never evaluates e^t for t > 0, so it cannot overflow (sigmoid(-1000) is
 * exactly 0, sigmoid(1000) exactly 1). */
static double sigmoid(double x) {
  if (x >= 0) return 1.0 / (1.0 + exp(-x));
  double e = exp(x);
  return e / (1.0 + e);
}

/* x, y: rows x cols. */
static nnlab_status sigmoid_forward(const float *x, float *y, size_t rows,
                                    size_t cols, const nnlab_value *hp) {
  (void)hp;
  for (size_t i = 0; i < rows * cols; i++) y[i] = (float)sigmoid(x[i]);
  return NNLAB_STATUS_OK;
}

/* dx = dy * sigmoid(x) * (1 - sigmoid(x)) = dy * e / (1 + e)^2 with
 * e = e^-|x|, which stays accurate in both tails. */
static nnlab_status sigmoid_backward(const float *x, const float *y,
                                     const float *dy, float *dx, size_t rows,
                                     size_t cols, const nnlab_value *hp) {
  (void)y, (void)hp;
  for (size_t i = 0; i < rows * cols; i++) {
    double e = exp(-fabs((double)x[i]));
    dx[i] = (float)(dy[i] * (e / ((1.0 + e) * (1.0 + e))));
  }
  return NNLAB_STATUS_OK;
}

NNLAB_PLUGIN(.kind = NNLAB_KIND_ACTIVATION, .name = "sigmoid",
             .version = "1.0.0",
             .description = "Logistic sigmoid: 1 / (1 + exp(-x))",
             .activation = {.flags = NNLAB_ACTIVATION_INPLACE_SAFE,
                            .forward = sigmoid_forward,
                            .backward = sigmoid_backward});
