/* leaky_relu: y = x for x > 0, else negative_slope * x (torch's
 * LeakyReLU). */
#include <math.h>

#include <nnlab/plugin.h>

enum { NEGATIVE_SLOPE };

static const nnlab_hparam leaky_relu_hparams[] = {
    [NEGATIVE_SLOPE] = NNLAB_HPARAM_FLOAT_DEF(
        "negative_slope", 0.01, 0, INFINITY, 0,
        "slope for x < 0 (0 gives relu, 1 the identity)"),
};

/* x, y: rows x cols. */
NNLAB_VECTORIZE static nnlab_status leaky_relu_forward(const float *x, float *y,
                                                       size_t rows, size_t cols,
                                                       const nnlab_value *hp) {
  double slope = hp[NEGATIVE_SLOPE].f;
  for (size_t i = 0; i < rows * cols; i++) {
    const float v = x[i], negative = (float)(slope * v);
    y[i] = v > 0.0f ? v : negative;
  }
  return NNLAB_STATUS_OK;
}

/* dx = dy for x > 0, else negative_slope * dy. */
NNLAB_VECTORIZE static nnlab_status leaky_relu_backward(
    const float *x, const float *y, const float *dy, float *dx, size_t rows,
    size_t cols, const nnlab_value *hp) {
  (void)y;
  double slope = hp[NEGATIVE_SLOPE].f;
  for (size_t i = 0; i < rows * cols; i++) {
    const float g = dy[i], negative = (float)(slope * g);
    dx[i] = x[i] > 0.0f ? g : negative;
  }
  return NNLAB_STATUS_OK;
}

NNLAB_PLUGIN(.kind = NNLAB_KIND_ACTIVATION, .name = "leaky_relu",
             .version = "1.0.0",
             .description = "Leaky ReLU: x for x > 0, else negative_slope * x",
             .hparams = leaky_relu_hparams,
             .n_hparams = NNLAB_ARRAY_LENGTH(leaky_relu_hparams),
             .activation = {.flags = NNLAB_ACTIVATION_INPLACE_SAFE,
                            .forward = leaky_relu_forward,
                            .backward = leaky_relu_backward},
             .activation_properties = {.output = NNLAB_OUTPUT_VALUES,
                                       .failure = NNLAB_UNIT_FAILURE_DIES});
