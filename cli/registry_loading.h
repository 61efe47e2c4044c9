/* Loading the plugin registry in the commands. */
#ifndef NNLAB_CLI_REGISTRY_LOADING_H
#define NNLAB_CLI_REGISTRY_LOADING_H

#include <nnlab/nnlab.h>

/* The default registry, with each scan warning printed on stderr. */
nnlab_registry *open_registry(gboolean quiet_warnings);

#endif
