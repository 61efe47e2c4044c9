/* selu: scale * elu(x, alpha) with the fixed constants of Klambauer et al.
 * 2017 (the values torch uses), which make activations self-normalizing. */
#include <math.h>

#include <nnlab/plugin.h>

#define SELU_ALPHA 1.6732632423543772848170429916717
#define SELU_SCALE 1.0507009873554804934193349852946

/* x, y: rows x cols. */
static nnlab_status selu_forward(const float *x, float *y, size_t rows,
                                 size_t cols, const nnlab_value *hp) {
  (void)hp;
  for (size_t i = 0; i < rows * cols; i++) {
    double v = x[i];
    y[i] = (float)(SELU_SCALE * (v > 0 ? v : SELU_ALPHA * expm1(v)));
  }
  return NNLAB_STATUS_OK;
}

/* dx = dy * scale for x > 0, else dy * scale * alpha * e^x. */
static nnlab_status selu_backward(const float *x, const float *y,
                                  const float *dy, float *dx, size_t rows,
                                  size_t cols, const nnlab_value *hp) {
  (void)y, (void)hp;
  for (size_t i = 0; i < rows * cols; i++) {
    double v = x[i];
    double slope = v > 0 ? SELU_SCALE : SELU_SCALE * SELU_ALPHA * exp(v);
    dx[i] = (float)(dy[i] * slope);
  }
  return NNLAB_STATUS_OK;
}

NNLAB_PLUGIN(.kind = NNLAB_KIND_ACTIVATION, .name = "selu", .version = "1.0.0",
             .description =
                 "Scaled ELU: 1.0507 * elu(x, alpha = 1.6733), "
                 "self-normalizing",
             .activation = {.flags = NNLAB_ACTIVATION_INPLACE_SAFE,
                            .forward = selu_forward,
                            .backward = selu_backward});
