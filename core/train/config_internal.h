/* What run configs share with the run builder (run/run.c) besides the
 * public nnlab_run_config. */
#ifndef NNLAB_CONFIG_INTERNAL_H
#define NNLAB_CONFIG_INTERNAL_H

#include <nnlab/config.h>

/* Whether the network of c, fed n_inputs values into n_outputs outputs,
 * holds at most 2^28 weights and biases; else an error naming [model]
 * hidden. With both 0 it checks the hidden layers alone. */
gboolean config_check_parameters(const nnlab_run_config *c, size_t n_inputs,
                                 size_t n_outputs, GError **error);

#endif
