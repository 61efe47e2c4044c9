/* A test plugin: an optimizer that writes NaN into the parameters, for the
 * divergence report and the optimizer checks of nnlab plugins check. Not a
 * real optimizer: it ignores the gradient. */
#include <nnlab/plugin.h>

static nnlab_status step(float *params, const float *grads, float *const *slots,
                         size_t n, uint64_t t, const nnlab_value *hp) {
  (void)grads;
  (void)slots;
  (void)t;
  (void)hp;
  for (size_t i = 0; i < n; i++) params[i] = NAN;
  return NNLAB_STATUS_OK;
}

static const nnlab_hparam hparams[] = {
    NNLAB_HPARAM_FLOAT_DEF("lr", 0.1, 0, INFINITY, 0, "learning rate"),
};

NNLAB_PLUGIN(.kind = NNLAB_KIND_OPTIMIZER, .name = "garbage",
             .version = "1.0.0", .description = "returns NaN weights",
             .hparams = hparams, .n_hparams = NNLAB_ARRAY_LENGTH(hparams),
             .optimizer = {.step = step});
