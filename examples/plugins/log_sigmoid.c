/* log_sigmoid(x) = log(1 / (1 + e^-x)) = -softplus(-x), torch's LogSigmoid:
 * an example of an activation plugin built outside the nnlab tree that uses
 * the host's vector math (nnlab_vec_*). It includes only <nnlab/plugin.h>
 * and links against nothing. */

/* plugin.h declares the nnlab_vec_* functions and the nnlab process that
 * loads the plugin provides them, so nothing more is linked:
 *
 *   cc -O2 -shared -fPIC $(pkg-config --cflags nnlab) log_sigmoid.c \
 *     -o log_sigmoid.so
 *   NNLAB_PLUGIN_PATH=$PWD nnlab plugins show log_sigmoid
 */
#include <nnlab/plugin.h>

/* Elements per pass through a stack buffer. */
#define CHUNK 256

/* y = -softplus(-x), finite for any finite x: log_sigmoid(-1000) = -1000,
 * log_sigmoid(1000) = 0. Elementwise passes, so y may be x. */
static nnlab_status log_sigmoid_forward(const float *x, float *y, size_t rows,
                                        size_t cols, const nnlab_value *hp) {
  (void)hp;
  size_t n = rows * cols;
  for (size_t i = 0; i < n; i++) y[i] = -x[i];
  nnlab_vec_softplus(y, y, n);
  for (size_t i = 0; i < n; i++) y[i] = -y[i];
  return NNLAB_STATUS_OK;
}

/* d/dx log_sigmoid(x) = 1 - sigmoid(x) = sigmoid(-x). */
static nnlab_status log_sigmoid_backward(const float *x, const float *y,
                                         const float *dy, float *dx,
                                         size_t rows, size_t cols,
                                         const nnlab_value *hp) {
  (void)y, (void)hp;
  size_t n = rows * cols;
  for (size_t start = 0; start < n; start += CHUNK) {
    size_t m = n - start < CHUNK ? n - start : CHUNK;
    float s[CHUNK];
    for (size_t i = 0; i < m; i++) s[i] = -x[start + i];
    nnlab_vec_sigmoid(s, s, m);
    for (size_t i = 0; i < m; i++) dx[start + i] = dy[start + i] * s[i];
  }
  return NNLAB_STATUS_OK;
}

NNLAB_PLUGIN(.kind = NNLAB_KIND_ACTIVATION, .name = "log_sigmoid",
             .version = "1.0.0",
             .description = "Log of the sigmoid: -softplus(-x)",
             .activation = {.flags = NNLAB_ACTIVATION_INPLACE_SAFE,
                            .forward = log_sigmoid_forward,
                            .backward = log_sigmoid_backward},
             .activation_properties = {.output = NNLAB_OUTPUT_LOG_PROBABILITIES,
                                       .failure = NNLAB_UNIT_FAILURE_NONE});
