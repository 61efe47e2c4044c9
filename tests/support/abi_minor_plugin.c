/* An activation plugin that claims ABI minor PLUGIN_ABI_MINOR (set on the
 * compiler's command line): tests/test_out_of_tree.c builds it as a plugin
 * of an older minor, which the host must load, and of a newer one, which it
 * must refuse. */
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
      .description = "Identity, claiming another ABI minor",
      .activation = {.flags = NNLAB_ACTIVATION_INPLACE_SAFE,
                     .forward = copy_forward,
                     .backward = copy_backward}};
  return &info;
}
