/* Access to the built-in plugins from tests. */
#ifndef NNLAB_TEST_PLUGINS_H
#define NNLAB_TEST_PLUGINS_H

#include <nnlab/nnlab.h>

/* The shared registry over the built-in plugin directories (ignores
 * NNLAB_PLUGIN_PATH). Created on first use, lives until exit. */
const nnlab_registry *test_registry(void);

/* The descriptor of a built-in plugin; fails the test if it is missing. */
const nnlab_plugin_info *test_plugin(nnlab_plugin_kind kind, const char *name);

#endif
