/* identity: y = x. The activation of a linear output layer. Like every
 * plugin it sees only <nnlab/plugin.h>, and it may run in place (x == y). */
#include <nnlab/plugin.h>

/* x, y: rows x cols. */
static nnlab_status identity_forward(const float *x, float *y, size_t rows,
                                     size_t cols, const nnlab_value *hp) {
  (void)hp;
  for (size_t i = 0; i < rows * cols; i++) y[i] = x[i];
  return NNLAB_STATUS_OK;
}

/* dx = dy. */
static nnlab_status identity_backward(const float *x, const float *y,
                                      const float *dy, float *dx, size_t rows,
                                      size_t cols, const nnlab_value *hp) {
  (void)x, (void)y, (void)hp;
  for (size_t i = 0; i < rows * cols; i++) dx[i] = dy[i];
  return NNLAB_STATUS_OK;
}

NNLAB_PLUGIN(.kind = NNLAB_KIND_ACTIVATION, .name = "identity",
             .version = "1.0.0", .description = "Identity: y = x",
             .activation = {.flags = NNLAB_ACTIVATION_INPLACE_SAFE,
                            .forward = identity_forward,
                            .backward = identity_backward},
             .activation_properties = {.output = NNLAB_OUTPUT_VALUES,
                                       .failure = NNLAB_UNIT_FAILURE_NONE});
