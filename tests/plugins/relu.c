/* A second plugin called relu, placed earlier in the search path than the
 * built-in one: it wins, and the built-in one is reported as shadowed. */
#include <nnlab/plugin.h>

static nnlab_status relu_forward(const float *x, float *y, size_t rows,
                                 size_t cols, const nnlab_value *hp) {
  (void)hp;
  for (size_t i = 0; i < rows * cols; i++) y[i] = x[i] > 0 ? x[i] : 0;
  return NNLAB_STATUS_OK;
}

static nnlab_status relu_backward(const float *x, const float *y,
                                  const float *dy, float *dx, size_t rows,
                                  size_t cols, const nnlab_value *hp) {
  (void)y;
  (void)hp;
  for (size_t i = 0; i < rows * cols; i++) dx[i] = x[i] > 0 ? dy[i] : 0;
  return NNLAB_STATUS_OK;
}

NNLAB_PLUGIN(.kind = NNLAB_KIND_ACTIVATION, .name = "relu", .version = "9.9.9",
             .description = "test copy of relu",
             .activation = {.forward = relu_forward,
                            .backward = relu_backward});
