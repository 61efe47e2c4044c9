/* An out-of-tree activation that declares what it outputs: the logistic
 * sigmoid under another name, declaring probabilities. A test plugin for
 * tests/test_semantics.py, built twice; not installed. */

/* "squash" claims the current ABI minor, so the host reads its properties
 * and must refuse it before cross_entropy as it refuses softmax; and
 * "squash_minor1" claims minor 1, from before properties, so the host must
 * load it and treat them as undeclared (refusing nothing), although the
 * struct here holds them. */
#include <math.h>

#include <nnlab/plugin.h>

static nnlab_status squash_forward(const float *x, float *y, size_t rows,
                                   size_t cols, const nnlab_value *hp) {
  (void)hp;
  for (size_t i = 0; i < rows * cols; i++) y[i] = 1.0f / (1.0f + expf(-x[i]));
  return NNLAB_STATUS_OK;
}

/* dx = dy * y * (1 - y). */
static nnlab_status squash_backward(const float *x, const float *y,
                                    const float *dy, float *dx, size_t rows,
                                    size_t cols, const nnlab_value *hp) {
  (void)x, (void)hp;
  for (size_t i = 0; i < rows * cols; i++) dx[i] = dy[i] * y[i] * (1.0f - y[i]);
  return NNLAB_STATUS_OK;
}

NNLAB_PLUGIN_EXPORT const nnlab_abi_info *nnlab_plugin_abi(void);
NNLAB_PLUGIN_EXPORT const nnlab_abi_info *nnlab_plugin_abi(void) {
  static const nnlab_abi_info abi = {NNLAB_ABI_MAJOR, PLUGIN_ABI_MINOR,
                                     sizeof(float), sizeof(size_t),
                                     sizeof(void *)};
  return &abi;
}

NNLAB_PLUGIN_EXPORT const nnlab_plugin_info *nnlab_plugin_describe(void);
NNLAB_PLUGIN_EXPORT const nnlab_plugin_info *nnlab_plugin_describe(void) {
  static const nnlab_plugin_info info = {
      .kind = NNLAB_KIND_ACTIVATION,
      .name = PLUGIN_NAME,
      .version = "1.0.0",
      .description = "Logistic sigmoid, declared as probabilities",
      .activation = {.forward = squash_forward, .backward = squash_backward},
      .activation_properties = {.output = NNLAB_OUTPUT_PROBABILITIES,
                                .failure = NNLAB_UNIT_FAILURE_SATURATES,
                                .lower_bound = 0,
                                .upper_bound = 1}};
  return &info;
}
