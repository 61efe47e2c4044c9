/* A test plugin: an activation whose backward pointer is NULL, which the
 * registry must skip as broken (tests/test_registry.c). Not a real
 * activation: its forward only copies x. */
#include <nnlab/plugin.h>

static nnlab_status copy_forward(const float *x, float *y, size_t rows,
                                 size_t cols, const nnlab_value *hp) {
  (void)hp;
  for (size_t i = 0; i < rows * cols; i++) y[i] = x[i];
  return NNLAB_STATUS_OK;
}

NNLAB_PLUGIN(.kind = NNLAB_KIND_ACTIVATION, .name = "null_backward",
             .version = "1.0.0", .description = "backward missing",
             .activation = {.forward = copy_forward, .backward = NULL});
