/* An optimizer that writes to an unmapped page: with a large model its
 * steps run on the thread pool's workers as well as the main thread. Not
 * through a null pointer, which UBSan would stop first: in sanitizer
 * builds the segmentation fault then reaches AddressSanitizer's handler
 * through nnlab's. */
#include <nnlab/plugin.h>

static float *volatile nowhere = (float *)64;

static nnlab_status step(float *params, const float *grads, float *const *slots,
                         size_t n, uint64_t t, const nnlab_value *hp) {
  (void)params;
  (void)grads;
  (void)slots;
  (void)t;
  (void)hp;
  nowhere[n % 7] = 1.0f;
  return NNLAB_STATUS_OK;
}

static const nnlab_hparam hparams[] = {
    NNLAB_HPARAM_FLOAT_DEF("lr", 0.1, 0, INFINITY, 0, "learning rate"),
};

NNLAB_PLUGIN(.kind = NNLAB_KIND_OPTIMIZER, .name = "crashing_step",
             .version = "1.0.0", .description = "crashes in step",
             .hparams = hparams, .n_hparams = NNLAB_ARRAY_LENGTH(hparams),
             .optimizer = {.step = step});
