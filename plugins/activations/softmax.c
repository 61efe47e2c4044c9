/* softmax: each row becomes a probability distribution,
 * y_j = e^(x_j - m) / sum_k e^(x_k - m) with m the row maximum, so no
 * exponential overflows ([1000, 1000] gives [0.5, 0.5]). The exponentials
 * come from the host's vector math; the sum is in double. */
#include <math.h>

#include <nnlab/plugin.h>

/* x, y: rows x cols. Each pass reads x[j] before writing y[j], and the
 * exponentials are taken in y, so y may alias x. */
static nnlab_status softmax_forward(const float *x, float *y, size_t rows,
                                    size_t cols, const nnlab_value *hp) {
  (void)hp;
  for (size_t r = 0; r < rows; r++) {
    const float *xr = x + r * cols;
    float *yr = y + r * cols;
    float max = -INFINITY;
    for (size_t j = 0; j < cols; j++) max = fmaxf(max, xr[j]);
    for (size_t j = 0; j < cols; j++) yr[j] = xr[j] - max;
    nnlab_vec_exp(yr, yr, cols);
    double sum = 0;
    for (size_t j = 0; j < cols; j++) sum += yr[j];
    for (size_t j = 0; j < cols; j++) yr[j] = (float)(yr[j] / sum);
  }
  return NNLAB_STATUS_OK;
}

/* dx = y * (dy - sum(dy * y)) per row. */
static nnlab_status softmax_backward(const float *x, const float *y,
                                     const float *dy, float *dx, size_t rows,
                                     size_t cols, const nnlab_value *hp) {
  (void)x, (void)hp;
  for (size_t r = 0; r < rows; r++) {
    const float *yr = y + r * cols, *dyr = dy + r * cols;
    float *dxr = dx + r * cols;
    double dot = 0;
    for (size_t j = 0; j < cols; j++) dot += (double)dyr[j] * yr[j];
    for (size_t j = 0; j < cols; j++) dxr[j] = (float)(yr[j] * (dyr[j] - dot));
  }
  return NNLAB_STATUS_OK;
}

NNLAB_PLUGIN(.kind = NNLAB_KIND_ACTIVATION, .name = "softmax",
             .version = "1.0.0",
             .description = "Softmax over each row: exp(x) / sum(exp(x))",
             .activation = {.flags = NNLAB_ACTIVATION_ROWWISE |
                                     NNLAB_ACTIVATION_INPLACE_SAFE,
                            .forward = softmax_forward,
                            .backward = softmax_backward},
             .activation_properties = {.output = NNLAB_OUTPUT_PROBABILITIES,
                                       .failure = NNLAB_UNIT_FAILURE_NONE});
