/* What the run config's files share among themselves (config.c,
 * config_layers.c) and with the run builder (run/run.c), besides the
 * public nnlab_run_config. */
#ifndef NNLAB_CONFIG_INTERNAL_H
#define NNLAB_CONFIG_INTERNAL_H

#include <nnlab/config.h>

#include "io/ini_reader.h"
#include "model/layer_list.h"

/* Caps on what a config may build, so that a typo (or a hostile config)
 * is a quick error rather than minutes of setup and an allocation of tens
 * of gigabytes. They match what model files hold (model_file_load.c: 4096
 * layers with the output layer, 2^24 units). */
#define MAX_HIDDEN_LAYERS (LAYER_LIST_MAX_DENSE - 1)
#define MAX_UNITS LAYER_LIST_MAX_UNITS
/* The output layer's activation when none is given. */
#define CONFIG_DEFAULT_OUTPUT_ACTIVATION "identity"

/* Whether the network of c (config_layers.c), fed n_inputs values into
 * n_outputs outputs, holds at most 2^28 weights and biases; else an error
 * naming [model] hidden or layers. With both 0 it checks the hidden layers
 * alone. */
gboolean config_check_parameters(const nnlab_run_config *c, size_t n_inputs,
                                 size_t n_outputs, GError **error);

/* [model] layers = dense(64), relu, dense(10) into c's hidden layers,
 * activations, outputs and output activation (config_layers.c). */
gboolean config_read_layers(const ini_reader *r, const nnlab_registry *registry,
                            nnlab_run_config *c, GError **error);

#endif
