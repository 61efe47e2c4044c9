/* selu: scale * elu(x, alpha) with the fixed constants of Klambauer et al.
 * 2017 (the values torch uses), which make activations self-normalizing. */
#include <nnlab/plugin.h>

#define SELU_ALPHA 1.6732632423543772848170429916717
#define SELU_SCALE 1.0507009873554804934193349852946

/* Elements per pass through a stack buffer. */
#define CHUNK 256

/* x, y: rows x cols. */
NNLAB_VECTORIZE static nnlab_status selu_forward(const float *x, float *y,
                                                 size_t rows, size_t cols,
                                                 const nnlab_value *hp) {
  (void)hp;
  size_t n = rows * cols;
  for (size_t start = 0; start < n; start += CHUNK) {
    size_t m = n - start < CHUNK ? n - start : CHUNK;
    float em[CHUNK];
    nnlab_vec_expm1(x + start, em, m);
    for (size_t i = 0; i < m; i++) {
      const double v = x[start + i], negative = SELU_ALPHA * em[i];
      y[start + i] = (float)(SELU_SCALE * (v > 0 ? v : negative));
    }
  }
  return NNLAB_STATUS_OK;
}

/* dx = dy * scale for x > 0, else dy * scale * alpha * e^x. */
NNLAB_VECTORIZE static nnlab_status selu_backward(const float *x,
                                                  const float *y,
                                                  const float *dy, float *dx,
                                                  size_t rows, size_t cols,
                                                  const nnlab_value *hp) {
  (void)y, (void)hp;
  size_t n = rows * cols;
  for (size_t start = 0; start < n; start += CHUNK) {
    size_t m = n - start < CHUNK ? n - start : CHUNK;
    float e[CHUNK];
    nnlab_vec_exp(x + start, e, m);
    for (size_t i = 0; i < m; i++) {
      const double negative = SELU_SCALE * SELU_ALPHA * e[i];
      const double slope = x[start + i] > 0.0f ? SELU_SCALE : negative;
      dx[start + i] = (float)(dy[start + i] * slope);
    }
  }
  return NNLAB_STATUS_OK;
}

NNLAB_PLUGIN(.kind = NNLAB_KIND_ACTIVATION, .name = "selu", .version = "1.0.0",
             .description =
                 "Scaled ELU: 1.0507 * elu(x, alpha = 1.6733), "
                 "self-normalizing",
             .activation = {.flags = NNLAB_ACTIVATION_INPLACE_SAFE,
                            .forward = selu_forward,
                            .backward = selu_backward},
             .activation_properties = {.output = NNLAB_OUTPUT_VALUES,
                                       .failure = NNLAB_UNIT_FAILURE_NONE});
