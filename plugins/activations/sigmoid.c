/* sigmoid: y = 1 / (1 + e^-x), the logistic function, by the host's vector
 * math, which never overflows (sigmoid(-1000) is exactly 0, sigmoid(1000)
 * exactly 1). */
#include <math.h>

#include <nnlab/plugin.h>

/* Elements per pass through a stack buffer. */
#define CHUNK 256

/* x, y: rows x cols. */
static nnlab_status sigmoid_forward(const float *x, float *y, size_t rows,
                                    size_t cols, const nnlab_value *hp) {
  (void)hp;
  nnlab_vec_sigmoid(x, y, rows * cols);
  return NNLAB_STATUS_OK;
}

/* dx = dy * sigmoid(x) * (1 - sigmoid(x)) = dy * e / (1 + e)^2 with
 * e = e^-|x|, which stays accurate in both tails. */
NNLAB_VECTORIZE static nnlab_status sigmoid_backward(const float *x,
                                                     const float *y,
                                                     const float *dy, float *dx,
                                                     size_t rows, size_t cols,
                                                     const nnlab_value *hp) {
  (void)y, (void)hp;
  size_t n = rows * cols;
  for (size_t start = 0; start < n; start += CHUNK) {
    size_t m = n - start < CHUNK ? n - start : CHUNK;
    float e[CHUNK];
    for (size_t i = 0; i < m; i++) e[i] = -fabsf(x[start + i]);
    nnlab_vec_exp(e, e, m);
    for (size_t i = 0; i < m; i++) {
      float d = 1.0f + e[i];
      dx[start + i] = dy[start + i] * (e[i] / (d * d));
    }
  }
  return NNLAB_STATUS_OK;
}

NNLAB_PLUGIN(.kind = NNLAB_KIND_ACTIVATION, .name = "sigmoid",
             .version = "1.0.0",
             .description = "Logistic sigmoid: 1 / (1 + exp(-x))",
             .activation = {.flags = NNLAB_ACTIVATION_INPLACE_SAFE,
                            .forward = sigmoid_forward,
                            .backward = sigmoid_backward},
             .activation_properties = {.output = NNLAB_OUTPUT_PROBABILITIES,
                                       .failure = NNLAB_UNIT_FAILURE_SATURATES,
                                       .lower_bound = 0,
                                       .upper_bound = 1});
