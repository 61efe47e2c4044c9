/* A test plugin: tanh whose backward forgets the chain rule's (1 - y^2)
 * factor, for the finite-difference check of nnlab plugins check. Its
 * forward is right and its gradient wrong: not for training. */
#include <nnlab/plugin.h>

static nnlab_status forward(const float *x, float *y, size_t rows, size_t cols,
                            const nnlab_value *hp) {
  (void)hp;
  for (size_t i = 0; i < rows * cols; i++) y[i] = tanhf(x[i]);
  return NNLAB_STATUS_OK;
}

static nnlab_status backward(const float *x, const float *y, const float *dy,
                             float *dx, size_t rows, size_t cols,
                             const nnlab_value *hp) {
  (void)x;
  (void)y;
  (void)hp;
  for (size_t i = 0; i < rows * cols; i++) dx[i] = dy[i];
  return NNLAB_STATUS_OK;
}

NNLAB_PLUGIN(.kind = NNLAB_KIND_ACTIVATION, .name = "wrong_derivative",
             .version = "1.0.0", .description = "tanh with a wrong backward",
             .activation = {.forward = forward, .backward = backward});
