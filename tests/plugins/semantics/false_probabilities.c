/* Declares probabilities but outputs x unchanged: nnlab plugins check must
 * catch the false declaration. */
#include <nnlab/plugin.h>

static nnlab_status copy_forward(const float *x, float *y, size_t rows,
                                 size_t cols, const nnlab_value *hp) {
  (void)hp;
  for (size_t i = 0; i < rows * cols; i++) y[i] = x[i];
  return NNLAB_STATUS_OK;
}

static nnlab_status copy_backward(const float *x, const float *y,
                                  const float *dy, float *dx, size_t rows,
                                  size_t cols, const nnlab_value *hp) {
  (void)x, (void)y, (void)hp;
  for (size_t i = 0; i < rows * cols; i++) dx[i] = dy[i];
  return NNLAB_STATUS_OK;
}

NNLAB_PLUGIN(.kind = NNLAB_KIND_ACTIVATION, .name = "false_probabilities",
             .version = "1.0.0",
             .description = "Identity, falsely declared as probabilities",
             .activation = {.forward = copy_forward, .backward = copy_backward},
             .activation_properties = {.output = NNLAB_OUTPUT_PROBABILITIES});
