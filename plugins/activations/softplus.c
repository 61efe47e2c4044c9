/* softplus: y = log(1 + e^(beta x)) / beta, a smooth relu (torch's
 * Softplus). Where beta * x > threshold it returns x, as torch does. */
#include <math.h>

#include <nnlab/plugin.h>

/* Elements per pass through a stack buffer. */
#define CHUNK 256

enum { BETA, THRESHOLD };

static const nnlab_hparam softplus_hparams[] = {
    [BETA] = NNLAB_HPARAM_FLOAT_DEF("beta", 1.0, 0, INFINITY,
                                    NNLAB_HPARAM_MIN_EXCLUSIVE,
                                    "sharpness: larger is closer to relu"),
    [THRESHOLD] = NNLAB_HPARAM_FLOAT_DEF(
        "threshold", 20.0, 0, INFINITY, NNLAB_HPARAM_MIN_EXCLUSIVE,
        "above beta * x = threshold the output is x itself"),
};

/* z[i] = f(beta * x[i]) for i < m, f a vector function. */
static void of_beta_x(void (*f)(const float *, float *, size_t), const float *x,
                      double beta, float *z, size_t m) {
  for (size_t i = 0; i < m; i++) z[i] = (float)(beta * x[i]);
  f(z, z, m);
}

/* x, y: rows x cols. */
static nnlab_status softplus_forward(const float *x, float *y, size_t rows,
                                     size_t cols, const nnlab_value *hp) {
  double beta = hp[BETA].f, threshold = hp[THRESHOLD].f;
  size_t n = rows * cols;
  for (size_t start = 0; start < n; start += CHUNK) {
    size_t m = n - start < CHUNK ? n - start : CHUNK;
    float softplus[CHUNK];
    of_beta_x(nnlab_vec_softplus, x + start, beta, softplus, m);
    for (size_t i = 0; i < m; i++) {
      float v = x[start + i];
      y[start + i] = beta * v > threshold ? v : (float)(softplus[i] / beta);
    }
  }
  return NNLAB_STATUS_OK;
}

/* dx = dy * sigmoid(beta x), or dy above the threshold. */
NNLAB_VECTORIZE static nnlab_status softplus_backward(
    const float *x, const float *y, const float *dy, float *dx, size_t rows,
    size_t cols, const nnlab_value *hp) {
  (void)y;
  double beta = hp[BETA].f, threshold = hp[THRESHOLD].f;
  size_t n = rows * cols;
  for (size_t start = 0; start < n; start += CHUNK) {
    size_t m = n - start < CHUNK ? n - start : CHUNK;
    float sigmoid[CHUNK];
    of_beta_x(nnlab_vec_sigmoid, x + start, beta, sigmoid, m);
    for (size_t i = 0; i < m; i++) {
      float g = dy[start + i];
      dx[start + i] = beta * x[start + i] > threshold ? g : g * sigmoid[i];
    }
  }
  return NNLAB_STATUS_OK;
}

NNLAB_PLUGIN(.kind = NNLAB_KIND_ACTIVATION, .name = "softplus",
             .version = "1.0.0",
             .description = "Softplus: log(1 + exp(beta * x)) / beta",
             .hparams = softplus_hparams,
             .n_hparams = NNLAB_ARRAY_LENGTH(softplus_hparams),
             .activation = {.flags = NNLAB_ACTIVATION_INPLACE_SAFE,
                            .forward = softplus_forward,
                            .backward = softplus_backward},
             .activation_properties = {.output = NNLAB_OUTPUT_VALUES,
                                       .failure = NNLAB_UNIT_FAILURE_NONE});
