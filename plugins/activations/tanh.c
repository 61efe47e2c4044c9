/* tanh: the hyperbolic tangent. */
#include <math.h>

#include <nnlab/plugin.h>

/* x, y: rows x cols. */
static nnlab_status tanh_forward(const float *x, float *y, size_t rows,
                                 size_t cols, const nnlab_value *hp) {
  (void)hp;
  for (size_t i = 0; i < rows * cols; i++) y[i] = (float)tanh((double)x[i]);
  return NNLAB_STATUS_OK;
}

/* dx = dy * (1 - tanh(x)^2) = dy * 4e / (1 + e)^2 with e = e^-2|x|, which
 * neither overflows nor cancels for large |x|. */
static nnlab_status tanh_backward(const float *x, const float *y,
                                  const float *dy, float *dx, size_t rows,
                                  size_t cols, const nnlab_value *hp) {
  (void)y, (void)hp;
  for (size_t i = 0; i < rows * cols; i++) {
    double e = exp(-2.0 * fabs((double)x[i]));
    dx[i] = (float)(dy[i] * (4.0 * e / ((1.0 + e) * (1.0 + e))));
  }
  return NNLAB_STATUS_OK;
}

NNLAB_PLUGIN(.kind = NNLAB_KIND_ACTIVATION, .name = "tanh", .version = "1.0.0",
             .description = "Hyperbolic tangent",
             .activation = {.flags = NNLAB_ACTIVATION_INPLACE_SAFE,
                            .forward = tanh_forward,
                            .backward = tanh_backward});
