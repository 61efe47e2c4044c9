/* step: the Heaviside step of the perceptron, y = 1 for x >= 0, else 0.
 * Its derivative is 0 wherever it exists, so backward writes zeros: the
 * perceptron learning rule does not backpropagate through it. */
#include <nnlab/plugin.h>

/* x, y: rows x cols. */
NNLAB_VECTORIZE static nnlab_status step_forward(const float *x, float *y,
                                                 size_t rows, size_t cols,
                                                 const nnlab_value *hp) {
  (void)hp;
  for (size_t i = 0; i < rows * cols; i++) y[i] = x[i] >= 0.0f ? 1.0f : 0.0f;
  return NNLAB_STATUS_OK;
}

/* dx = 0. */
static nnlab_status step_backward(const float *x, const float *y,
                                  const float *dy, float *dx, size_t rows,
                                  size_t cols, const nnlab_value *hp) {
  (void)x, (void)y, (void)dy, (void)hp;
  for (size_t i = 0; i < rows * cols; i++) dx[i] = 0.0f;
  return NNLAB_STATUS_OK;
}

NNLAB_PLUGIN(.kind = NNLAB_KIND_ACTIVATION, .name = "step", .version = "1.0.0",
             .description =
                 "Heaviside step (perceptron): 1 for x >= 0, else 0; "
                 "zero derivative",
             .activation = {.flags = NNLAB_ACTIVATION_INPLACE_SAFE,
                            .forward = step_forward,
                            .backward = step_backward},
             .activation_properties = {.output = NNLAB_OUTPUT_DECISIONS,
                                       .failure = NNLAB_UNIT_FAILURE_NONE});
