/* elu: y = x for x > 0, else alpha * (e^x - 1) (Clevert et al. 2015, torch's
 * ELU). */
#include <math.h>

#include <nnlab/plugin.h>

/* Elements per pass through a stack buffer. */
#define CHUNK 256

enum { ALPHA };

static const nnlab_hparam elu_hparams[] = {
    [ALPHA] =
        NNLAB_HPARAM_FLOAT_DEF("alpha", 1.0, 0, INFINITY, 0,
                               "the output tends to -alpha as x goes to -inf"),
};

/* x, y: rows x cols. expm1 keeps e^x - 1 accurate near 0; e^x underflows
 * harmlessly to 0 for very negative x. */
NNLAB_VECTORIZE static nnlab_status elu_forward(const float *x, float *y,
                                                size_t rows, size_t cols,
                                                const nnlab_value *hp) {
  double alpha = hp[ALPHA].f;
  size_t n = rows * cols;
  for (size_t start = 0; start < n; start += CHUNK) {
    size_t m = n - start < CHUNK ? n - start : CHUNK;
    float em[CHUNK];
    nnlab_vec_expm1(x + start, em, m);
    for (size_t i = 0; i < m; i++) {
      const float v = x[start + i], negative = (float)(alpha * em[i]);
      y[start + i] = v > 0.0f ? v : negative;
    }
  }
  return NNLAB_STATUS_OK;
}

/* dx = dy for x > 0, else dy * alpha * e^x. */
NNLAB_VECTORIZE static nnlab_status elu_backward(const float *x, const float *y,
                                                 const float *dy, float *dx,
                                                 size_t rows, size_t cols,
                                                 const nnlab_value *hp) {
  (void)y;
  double alpha = hp[ALPHA].f;
  size_t n = rows * cols;
  for (size_t start = 0; start < n; start += CHUNK) {
    size_t m = n - start < CHUNK ? n - start : CHUNK;
    float e[CHUNK];
    nnlab_vec_exp(x + start, e, m);
    for (size_t i = 0; i < m; i++) {
      const float g = dy[start + i], negative = (float)(g * alpha * e[i]);
      dx[start + i] = x[start + i] > 0.0f ? g : negative;
    }
  }
  return NNLAB_STATUS_OK;
}

NNLAB_PLUGIN(.kind = NNLAB_KIND_ACTIVATION, .name = "elu", .version = "1.0.0",
             .description =
                 "Exponential linear unit: x for x > 0, else alpha * (exp(x) "
                 "- 1)",
             .hparams = elu_hparams,
             .n_hparams = NNLAB_ARRAY_LENGTH(elu_hparams),
             .activation = {.flags = NNLAB_ACTIVATION_INPLACE_SAFE,
                            .forward = elu_forward,
                            .backward = elu_backward},
             .activation_properties = {.output = NNLAB_OUTPUT_VALUES,
                                       .failure = NNLAB_UNIT_FAILURE_NONE});
