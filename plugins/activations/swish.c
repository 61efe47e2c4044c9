/* swish: Ramachandran et al.'s name for silu, x * sigmoid(x) (swish with
 * beta = 1). Same kernels as the silu plugin. */
#include "silu.h"

NNLAB_PLUGIN(.kind = NNLAB_KIND_ACTIVATION, .name = "swish", .version = "1.0.0",
             .description = "Swish: x * sigmoid(x), the same function as silu",
             .activation = {.flags = NNLAB_ACTIVATION_INPLACE_SAFE,
                            .forward = silu_forward,
                            .backward = silu_backward},
             .activation_properties = {.output = NNLAB_OUTPUT_VALUES,
                                       .failure = NNLAB_UNIT_FAILURE_NONE});
