/* log_softmax: y_j = x_j - log sum_k e^(x_k) over each row, computed as
 * (x_j - m) - log sum_k e^(x_k - m) with m the row maximum, so it stays
 * finite however far apart the values are. The exponentials come from the
 * host's vector math; the sum and its logarithm are in double. */
#include <math.h>

#include <nnlab/plugin.h>

/* Elements per pass through a stack buffer. */
#define CHUNK 256

/* x, y: rows x cols. The last pass reads x[j] before writing y[j], so y may
 * alias x. */
static nnlab_status log_softmax_forward(const float *x, float *y, size_t rows,
                                        size_t cols, const nnlab_value *hp) {
  (void)hp;
  for (size_t r = 0; r < rows; r++) {
    const float *xr = x + r * cols;
    float *yr = y + r * cols;
    float max = -INFINITY;
    for (size_t j = 0; j < cols; j++) max = fmaxf(max, xr[j]);
    double sum = 0;
    for (size_t start = 0; start < cols; start += CHUNK) {
      size_t m = cols - start < CHUNK ? cols - start : CHUNK;
      float e[CHUNK];
      for (size_t j = 0; j < m; j++) e[j] = xr[start + j] - max;
      nnlab_vec_exp(e, e, m);
      for (size_t j = 0; j < m; j++) sum += e[j];
    }
    double log_sum = log(sum);
    for (size_t j = 0; j < cols; j++)
      yr[j] = (float)(((double)xr[j] - max) - log_sum);
  }
  return NNLAB_STATUS_OK;
}

/* dx = dy - softmax(x) * sum(dy) per row, with softmax(x) = e^y. */
static nnlab_status log_softmax_backward(const float *x, const float *y,
                                         const float *dy, float *dx,
                                         size_t rows, size_t cols,
                                         const nnlab_value *hp) {
  (void)x, (void)hp;
  for (size_t r = 0; r < rows; r++) {
    const float *yr = y + r * cols, *dyr = dy + r * cols;
    float *dxr = dx + r * cols;
    double sum = 0;
    for (size_t j = 0; j < cols; j++) sum += dyr[j];
    for (size_t start = 0; start < cols; start += CHUNK) {
      size_t m = cols - start < CHUNK ? cols - start : CHUNK;
      float softmax[CHUNK];
      nnlab_vec_exp(yr + start, softmax, m);
      for (size_t j = 0; j < m; j++)
        dxr[start + j] = (float)(dyr[start + j] - softmax[j] * sum);
    }
  }
  return NNLAB_STATUS_OK;
}

NNLAB_PLUGIN(.kind = NNLAB_KIND_ACTIVATION, .name = "log_softmax",
             .version = "1.0.0",
             .description = "Log of softmax over each row: x - logsumexp(x)",
             .activation = {.flags = NNLAB_ACTIVATION_ROWWISE |
                                     NNLAB_ACTIVATION_INPLACE_SAFE,
                            .forward = log_softmax_forward,
                            .backward = log_softmax_backward},
             .activation_properties = {.output = NNLAB_OUTPUT_LOG_PROBABILITIES,
                                       .failure = NNLAB_UNIT_FAILURE_NONE});
