/* mish: y = x * tanh(softplus(x)) (Misra 2019, torch's Mish), by the host's
 * vector math. */
#include <nnlab/plugin.h>

/* Elements per pass through a stack buffer. */
#define CHUNK 256

/* t = tanh(softplus(x)) for x[0..m). */
static void tanh_softplus(const float *x, float *t, size_t m) {
  nnlab_vec_softplus(x, t, m);
  nnlab_vec_tanh(t, t, m);
}

/* x, y: rows x cols. */
static nnlab_status mish_forward(const float *x, float *y, size_t rows,
                                 size_t cols, const nnlab_value *hp) {
  (void)hp;
  size_t n = rows * cols;
  for (size_t start = 0; start < n; start += CHUNK) {
    size_t m = n - start < CHUNK ? n - start : CHUNK;
    float t[CHUNK];
    tanh_softplus(x + start, t, m);
    for (size_t i = 0; i < m; i++) y[start + i] = x[start + i] * t[i];
  }
  return NNLAB_STATUS_OK;
}

/* dx = dy * (t + x (1 - t^2) sigmoid(x)) with t = tanh(softplus(x)), since
 * softplus' = sigmoid. */
NNLAB_VECTORIZE static nnlab_status mish_backward(const float *x,
                                                  const float *y,
                                                  const float *dy, float *dx,
                                                  size_t rows, size_t cols,
                                                  const nnlab_value *hp) {
  (void)y, (void)hp;
  size_t n = rows * cols;
  for (size_t start = 0; start < n; start += CHUNK) {
    size_t m = n - start < CHUNK ? n - start : CHUNK;
    float t[CHUNK], s[CHUNK];
    tanh_softplus(x + start, t, m);
    nnlab_vec_sigmoid(x + start, s, m);
    for (size_t i = 0; i < m; i++) {
      float v = x[start + i];
      dx[start + i] = dy[start + i] * (t[i] + v * (1.0f - t[i] * t[i]) * s[i]);
    }
  }
  return NNLAB_STATUS_OK;
}

NNLAB_PLUGIN(.kind = NNLAB_KIND_ACTIVATION, .name = "mish", .version = "1.0.0",
             .description = "Mish: x * tanh(softplus(x))",
             .activation = {.flags = NNLAB_ACTIVATION_INPLACE_SAFE,
                            .forward = mish_forward,
                            .backward = mish_backward},
             .activation_properties = {.output = NNLAB_OUTPUT_VALUES,
                                       .failure = NNLAB_UNIT_FAILURE_NONE});
