/* softplus: y = log(1 + e^(beta x)) / beta, a smooth relu (torch's
 * Softplus). Where beta * x > threshold it returns x, as torch does. */
#include <math.h>

#include <nnlab/plugin.h>

enum { BETA, THRESHOLD };

static const nnlab_hparam softplus_hparams[] = {
    [BETA] = NNLAB_HPARAM_FLOAT_DEF("beta", 1.0, 0, INFINITY,
                                    NNLAB_HPARAM_MIN_EXCLUSIVE,
                                    "sharpness: larger is closer to relu"),
    [THRESHOLD] = NNLAB_HPARAM_FLOAT_DEF(
        "threshold", 20.0, 0, INFINITY, NNLAB_HPARAM_MIN_EXCLUSIVE,
        "above beta * x = threshold the output is x itself"),
};

/* log(1 + e^z) written so that e^t is only evaluated for t <= 0. */
static double log1p_exp(double z) {
  return z > 0 ? z + log1p(exp(-z)) : log1p(exp(z));
}

/* 1 / (1 + e^-z) without overflow. */
static double sigmoid(double z) {
  if (z >= 0) return 1.0 / (1.0 + exp(-z));
  double e = exp(z);
  return e / (1.0 + e);
}

/* x, y: rows x cols. */
static nnlab_status softplus_forward(const float *x, float *y, size_t rows,
                                     size_t cols, const nnlab_value *hp) {
  double beta = hp[BETA].f, threshold = hp[THRESHOLD].f;
  for (size_t i = 0; i < rows * cols; i++) {
    double z = beta * x[i];
    y[i] = z > threshold ? x[i] : (float)(log1p_exp(z) / beta);
  }
  return NNLAB_STATUS_OK;
}

/* dx = dy * sigmoid(beta x), or dy above the threshold. */
static nnlab_status softplus_backward(const float *x, const float *y,
                                      const float *dy, float *dx, size_t rows,
                                      size_t cols, const nnlab_value *hp) {
  (void)y;
  double beta = hp[BETA].f, threshold = hp[THRESHOLD].f;
  for (size_t i = 0; i < rows * cols; i++) {
    double z = beta * x[i];
    dx[i] = z > threshold ? dy[i] : (float)(dy[i] * sigmoid(z));
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
                            .backward = softplus_backward});
