/* A test plugin: an activation that writes through a null pointer on its
 * first call (SIGSEGV in forward), for the crash handler and nnlab plugins
 * check. Not a real activation: its backward only passes dy through. */
#include <nnlab/plugin.h>

static float *volatile nowhere;

static nnlab_status forward(const float *x, float *y, size_t rows, size_t cols,
                            const nnlab_value *hp) {
  (void)x;
  (void)y;
  (void)rows;
  (void)cols;
  (void)hp;
  nowhere[0] = 1.0f;
  return NNLAB_STATUS_OK;
}

static nnlab_status backward(const float *x, const float *y, const float *dy,
                             float *dx, size_t rows, size_t cols,
                             const nnlab_value *hp) {
  (void)x;
  (void)y;
  (void)hp;
  for (size_t i = 0; i < rows * cols; i++) dx[i] = dy[i];
  return NNLAB_STATUS_OK;
}

NNLAB_PLUGIN(.kind = NNLAB_KIND_ACTIVATION, .name = "crashing",
             .version = "1.0.0", .description = "crashes in forward",
             .activation = {.forward = forward, .backward = backward});
