/* Claims a future ABI major version; the host must refuse it before
 * reading its descriptor. */
#include <nnlab/plugin.h>

NNLAB_PLUGIN_EXPORT const nnlab_abi_info *nnlab_plugin_abi(void);
NNLAB_PLUGIN_EXPORT const nnlab_abi_info *nnlab_plugin_abi(void) {
  static const nnlab_abi_info abi = {NNLAB_ABI_MAJOR + 1, 0, sizeof(float),
                                     sizeof(size_t), sizeof(void *)};
  return &abi;
}

NNLAB_PLUGIN_EXPORT const nnlab_plugin_info *nnlab_plugin_describe(void);
NNLAB_PLUGIN_EXPORT const nnlab_plugin_info *nnlab_plugin_describe(void) {
  return NULL; /* never called: the ABI check fails first */
}
