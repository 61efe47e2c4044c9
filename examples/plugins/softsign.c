/* softsign(x) = x / (1 + |x|): an example of an activation plugin built
 * outside the nnlab tree, against the installed header only; it needs no
 * other part of nnlab to build. */

/* To build and try it:
 *
 *   cc -O2 -shared -fPIC $(pkg-config --cflags nnlab) softsign.c -o softsign.so
 *   NNLAB_PLUGIN_PATH=$PWD nnlab plugins show softsign
 */
#include <math.h>

#include <nnlab/plugin.h>

NNLAB_VECTORIZE static nnlab_status softsign_forward(const float *x, float *y,
                                                     size_t rows, size_t cols,
                                                     const nnlab_value *hp) {
  (void)hp;
  for (size_t i = 0; i < rows * cols; i++) y[i] = x[i] / (1.0f + fabsf(x[i]));
  return NNLAB_STATUS_OK;
}

/* d/dx softsign(x) = 1 / (1 + |x|)^2 */
NNLAB_VECTORIZE static nnlab_status softsign_backward(
    const float *x, const float *y, const float *dy, float *dx, size_t rows,
    size_t cols, const nnlab_value *hp) {
  (void)y;
  (void)hp;
  for (size_t i = 0; i < rows * cols; i++) {
    float d = 1.0f + fabsf(x[i]);
    dx[i] = dy[i] / (d * d);
  }
  return NNLAB_STATUS_OK;
}

NNLAB_PLUGIN(.kind = NNLAB_KIND_ACTIVATION, .name = "softsign",
             .version = "1.0.0", .description = "x / (1 + |x|)",
             .activation = {.forward = softsign_forward,
                            .backward = softsign_backward,
                            .flags = NNLAB_ACTIVATION_INPLACE_SAFE},
             .activation_properties = {.output = NNLAB_OUTPUT_VALUES,
                                       .failure = NNLAB_UNIT_FAILURE_SATURATES,
                                       .lower_bound = -1,
                                       .upper_bound = 1});
