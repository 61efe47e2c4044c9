/* mish: y = x * tanh(softplus(x)) (Misra 2019, torch's Mish). */
#include <math.h>

#include <nnlab/plugin.h>

/* log(1 + e^x), evaluating e^t only for t <= 0. */
static double softplus(double x) {
  return x > 0 ? x + log1p(exp(-x)) : log1p(exp(x));
}

/* 1 / (1 + e^-x) without overflow. */
static double sigmoid(double x) {
  if (x >= 0) return 1.0 / (1.0 + exp(-x));
  double e = exp(x);
  return e / (1.0 + e);
}

/* x, y: rows x cols. */
static nnlab_status mish_forward(const float *x, float *y, size_t rows,
                                 size_t cols, const nnlab_value *hp) {
  (void)hp;
  for (size_t i = 0; i < rows * cols; i++) {
    double v = x[i];
    y[i] = (float)(v * tanh(softplus(v)));
  }
  return NNLAB_STATUS_OK;
}

/* dx = dy * (t + x (1 - t^2) sigmoid(x)) with t = tanh(softplus(x)), since
 * softplus' = sigmoid. */
static nnlab_status mish_backward(const float *x, const float *y,
                                  const float *dy, float *dx, size_t rows,
                                  size_t cols, const nnlab_value *hp) {
  (void)y, (void)hp;
  for (size_t i = 0; i < rows * cols; i++) {
    double v = x[i], t = tanh(softplus(v));
    dx[i] = (float)(dy[i] * (t + v * (1.0 - t * t) * sigmoid(v)));
  }
  return NNLAB_STATUS_OK;
}

NNLAB_PLUGIN(.kind = NNLAB_KIND_ACTIVATION, .name = "mish", .version = "1.0.0",
             .description = "Mish: x * tanh(softplus(x))",
             .activation = {.flags = NNLAB_ACTIVATION_INPLACE_SAFE,
                            .forward = mish_forward,
                            .backward = mish_backward});
