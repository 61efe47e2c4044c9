/* Checks a plugin file and its descriptor before the registry accepts it. */
#ifndef NNLAB_PLUGIN_VALIDATE_H
#define NNLAB_PLUGIN_VALIDATE_H

#include <nnlab/common.h>

/* The file starts with an ELF header of this machine's class describing a
 * shared object. Checked before dlopen so no foreign code runs. */
gboolean plugin_validate_elf(const char *path, GError **error);

/* Same ABI major, minor not newer than the host's, and the same sizes. */
gboolean plugin_validate_abi(const nnlab_abi_info *abi, GError **error);

/* Names, version, hyperparameter table and the kind's functions. */
gboolean plugin_validate_descriptor(const nnlab_plugin_info *info,
                                    GError **error);

#endif
