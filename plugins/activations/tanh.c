/* tanh: the hyperbolic tangent, by the host's vector math. Like every
 * plugin it sees only <nnlab/plugin.h>, and it allocates nothing: chunks
 * go through a buffer on the stack. */
#include <math.h>

#include <nnlab/plugin.h>

/* Elements per pass through a stack buffer. */
#define CHUNK 256

/* x, y: rows x cols. */
static nnlab_status tanh_forward(const float *x, float *y, size_t rows,
                                 size_t cols, const nnlab_value *hp) {
  (void)hp;
  nnlab_vec_tanh(x, y, rows * cols);
  return NNLAB_STATUS_OK;
}

/* dx = dy * (1 - tanh(x)^2) = dy * 4e / (1 + e)^2 with e = e^-2|x|, which
 * neither overflows nor cancels for large |x|. */
NNLAB_VECTORIZE static nnlab_status tanh_backward(const float *x,
                                                  const float *y,
                                                  const float *dy, float *dx,
                                                  size_t rows, size_t cols,
                                                  const nnlab_value *hp) {
  (void)y, (void)hp;
  size_t n = rows * cols;
  for (size_t start = 0; start < n; start += CHUNK) {
    size_t m = n - start < CHUNK ? n - start : CHUNK;
    float e[CHUNK];
    for (size_t i = 0; i < m; i++) e[i] = -2.0f * fabsf(x[start + i]);
    nnlab_vec_exp(e, e, m);
    for (size_t i = 0; i < m; i++) {
      float d = 1.0f + e[i];
      dx[start + i] = dy[start + i] * (4.0f * e[i] / (d * d));
    }
  }
  return NNLAB_STATUS_OK;
}

NNLAB_PLUGIN(.kind = NNLAB_KIND_ACTIVATION, .name = "tanh", .version = "1.0.0",
             .description = "Hyperbolic tangent",
             .activation = {.flags = NNLAB_ACTIVATION_INPLACE_SAFE,
                            .forward = tanh_forward,
                            .backward = tanh_backward},
             .activation_properties = {.output = NNLAB_OUTPUT_VALUES,
                                       .failure = NNLAB_UNIT_FAILURE_SATURATES,
                                       .lower_bound = -1,
                                       .upper_bound = 1});
