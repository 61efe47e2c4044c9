/* elu: y = x for x > 0, else alpha * (e^x - 1) (Clevert et al. 2015, torch's
 * ELU). */
#include <math.h>

#include <nnlab/plugin.h>

enum { ALPHA };

static const nnlab_hparam elu_hparams[] = {
    [ALPHA] =
        NNLAB_HPARAM_FLOAT_DEF("alpha", 1.0, 0, INFINITY, 0,
                               "the output tends to -alpha as x goes to -inf"),
};

/* x, y: rows x cols. expm1 keeps e^x - 1 accurate near 0; e^x underflows
 * harmlessly to 0 for very negative x. */
static nnlab_status elu_forward(const float *x, float *y, size_t rows,
                                size_t cols, const nnlab_value *hp) {
  double alpha = hp[ALPHA].f;
  for (size_t i = 0; i < rows * cols; i++)
    y[i] = x[i] > 0.0f ? x[i] : (float)(alpha * expm1((double)x[i]));
  return NNLAB_STATUS_OK;
}

/* dx = dy for x > 0, else dy * alpha * e^x. */
static nnlab_status elu_backward(const float *x, const float *y,
                                 const float *dy, float *dx, size_t rows,
                                 size_t cols, const nnlab_value *hp) {
  (void)y;
  double alpha = hp[ALPHA].f;
  for (size_t i = 0; i < rows * cols; i++)
    dx[i] = x[i] > 0.0f ? dy[i] : (float)(dy[i] * alpha * exp((double)x[i]));
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
                            .backward = elu_backward});
