/* silu: y = x * sigmoid(x) (torch's SiLU). The swish plugin is the same
 * function under its other name. */
#include "silu.h"

NNLAB_PLUGIN(.kind = NNLAB_KIND_ACTIVATION, .name = "silu", .version = "1.0.0",
             .description = "Sigmoid linear unit: x * sigmoid(x)",
             .activation = {.flags = NNLAB_ACTIVATION_INPLACE_SAFE,
                            .forward = silu_forward,
                            .backward = silu_backward},
             .activation_properties = {.output = NNLAB_OUTPUT_VALUES,
                                       .failure = NNLAB_UNIT_FAILURE_NONE});
