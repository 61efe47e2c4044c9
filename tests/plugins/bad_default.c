/* A test plugin: an activation whose hyperparameter default (5) lies
 * outside its range [0, 1], which the registry must skip as broken
 * (tests/test_registry.c). Not a real activation: it scales x by factor. */
#include <nnlab/plugin.h>

static nnlab_status scale_forward(const float *x, float *y, size_t rows,
                                  size_t cols, const nnlab_value *hp) {
  for (size_t i = 0; i < rows * cols; i++) y[i] = (float)hp[0].f * x[i];
  return NNLAB_STATUS_OK;
}

static nnlab_status scale_backward(const float *x, const float *y,
                                   const float *dy, float *dx, size_t rows,
                                   size_t cols, const nnlab_value *hp) {
  (void)x;
  (void)y;
  for (size_t i = 0; i < rows * cols; i++) dx[i] = (float)hp[0].f * dy[i];
  return NNLAB_STATUS_OK;
}

static const nnlab_hparam scale_hparams[] = {
    NNLAB_HPARAM_FLOAT_DEF("factor", 5.0, 0.0, 1.0, 0, "scale factor"),
};

NNLAB_PLUGIN(.kind = NNLAB_KIND_ACTIVATION, .name = "bad_default",
             .version = "1.0.0", .description = "default out of range",
             .hparams = scale_hparams,
             .n_hparams = NNLAB_ARRAY_LENGTH(scale_hparams),
             .activation = {.forward = scale_forward,
                            .backward = scale_backward});
