/* hard_sigmoid: y = relu6(x + 3) / 6, torch's Hardsigmoid: 0 below -3, 1
 * above 3, linear in between. */
#include <nnlab/plugin.h>

/* x, y: rows x cols. */
NNLAB_VECTORIZE static nnlab_status hard_sigmoid_forward(
    const float *x, float *y, size_t rows, size_t cols, const nnlab_value *hp) {
  (void)hp;
  for (size_t i = 0; i < rows * cols; i++) {
    const double v = (double)x[i] + 3.0;
    const double clamped = v < 0 ? 0 : v > 6 ? 6 : v;
    y[i] = (float)(clamped / 6.0);
  }
  return NNLAB_STATUS_OK;
}

/* dx = dy / 6 for -3 < x < 3, else 0 (0 at the kinks, as torch). */
NNLAB_VECTORIZE static nnlab_status hard_sigmoid_backward(
    const float *x, const float *y, const float *dy, float *dx, size_t rows,
    size_t cols, const nnlab_value *hp) {
  (void)y, (void)hp;
  for (size_t i = 0; i < rows * cols; i++) {
    const float g = (float)(dy[i] / 6.0); /* unconditional: a select */
    dx[i] = x[i] > -3.0f && x[i] < 3.0f ? g : 0.0f;
  }
  return NNLAB_STATUS_OK;
}

NNLAB_PLUGIN(.kind = NNLAB_KIND_ACTIVATION, .name = "hard_sigmoid",
             .version = "1.0.0",
             .description = "Hard sigmoid: relu6(x + 3) / 6",
             .activation = {.flags = NNLAB_ACTIVATION_INPLACE_SAFE,
                            .forward = hard_sigmoid_forward,
                            .backward = hard_sigmoid_backward},
             .activation_properties = {.output = NNLAB_OUTPUT_PROBABILITIES,
                                       .failure = NNLAB_UNIT_FAILURE_SATURATES,
                                       .lower_bound = 0,
                                       .upper_bound = 1});
