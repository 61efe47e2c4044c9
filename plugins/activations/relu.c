/* relu: y = max(0, x). Like every plugin it sees only <nnlab/plugin.h>;
 * NNLAB_VECTORIZE builds an AVX2 clone that must give the baseline's bits. */
#include <nnlab/plugin.h>

/* x, y: rows x cols. */
NNLAB_VECTORIZE static nnlab_status relu_forward(const float *x, float *y,
                                                 size_t rows, size_t cols,
                                                 const nnlab_value *hp) {
  (void)hp;
  for (size_t i = 0; i < rows * cols; i++) y[i] = x[i] > 0.0f ? x[i] : 0.0f;
  return NNLAB_STATUS_OK;
}

/* dx = dy where x > 0, else 0 (0 at the kink, as torch). */
NNLAB_VECTORIZE static nnlab_status relu_backward(const float *x,
                                                  const float *y,
                                                  const float *dy, float *dx,
                                                  size_t rows, size_t cols,
                                                  const nnlab_value *hp) {
  (void)y, (void)hp;
  for (size_t i = 0; i < rows * cols; i++) {
    const float g = dy[i]; /* read unconditionally: the loop is a select */
    dx[i] = x[i] > 0.0f ? g : 0.0f;
  }
  return NNLAB_STATUS_OK;
}

NNLAB_PLUGIN(.kind = NNLAB_KIND_ACTIVATION, .name = "relu", .version = "1.0.0",
             .description = "Rectified linear unit: max(0, x)",
             .activation = {.flags = NNLAB_ACTIVATION_INPLACE_SAFE,
                            .forward = relu_forward,
                            .backward = relu_backward},
             .activation_properties = {.output = NNLAB_OUTPUT_VALUES,
                                       .failure = NNLAB_UNIT_FAILURE_DIES});
