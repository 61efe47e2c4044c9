/* Loading model files and checkpoints in the commands. */
#ifndef NNLAB_CLI_MODEL_LOADING_H
#define NNLAB_CLI_MODEL_LOADING_H

#include <nnlab/nnlab.h>

/* Loads path; prints its warnings (a plugin in another version) on
 * stderr, or with strict_versions turns the first into an error. */
nnlab_model_file *load_model_file(const char *path,
                                  const nnlab_registry *registry,
                                  gboolean strict_versions, GError **error);

#endif
