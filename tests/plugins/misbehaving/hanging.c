/* A test plugin: a loss that never returns, for the timeout of nnlab
 * plugins check. Not a real loss: it computes nothing. */
#include <nnlab/plugin.h>

static volatile int forever = 1;

static nnlab_status compute(const float *pred, const nnlab_targets *targets,
                            size_t rows, size_t cols, const nnlab_value *hp,
                            double *loss, float *dpred) {
  (void)pred;
  (void)targets;
  (void)rows;
  (void)cols;
  (void)hp;
  (void)dpred;
  while (forever) *loss = 0;
  return NNLAB_STATUS_OK;
}

NNLAB_PLUGIN(.kind = NNLAB_KIND_LOSS, .name = "hanging", .version = "1.0.0",
             .description = "never returns",
             .loss = {.targets = NNLAB_LOSS_FLOAT_TARGETS, .compute = compute});
