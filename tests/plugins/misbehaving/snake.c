/* Snake, x + sin^2(a x) / a, whose backward forgets a: it computes the
 * derivative for a = 1, so every check at the default passes and only
 * another a shows the wrong gradient. */
#include <nnlab/plugin.h>

static nnlab_status forward(const float *x, float *y, size_t rows, size_t cols,
                            const nnlab_value *hp) {
  double a = hp[0].f;
  for (size_t i = 0; i < rows * cols; i++) {
    double s = sin(a * x[i]);
    y[i] = (float)(x[i] + s * s / a);
  }
  return NNLAB_STATUS_OK;
}

/* Should be 1 + sin(2 a x). */
static nnlab_status backward(const float *x, const float *y, const float *dy,
                             float *dx, size_t rows, size_t cols,
                             const nnlab_value *hp) {
  (void)y;
  (void)hp;
  for (size_t i = 0; i < rows * cols; i++)
    dx[i] = dy[i] * (float)(1.0 + sin(2.0 * x[i]));
  return NNLAB_STATUS_OK;
}

static const nnlab_hparam hparams[] = {
    NNLAB_HPARAM_FLOAT_DEF("a", 1.0, 0, INFINITY, NNLAB_HPARAM_MIN_EXCLUSIVE,
                           "frequency"),
};

NNLAB_PLUGIN(.kind = NNLAB_KIND_ACTIVATION, .name = "snake", .version = "1.0.0",
             .description = "snake whose backward ignores a",
             .hparams = hparams, .n_hparams = NNLAB_ARRAY_LENGTH(hparams),
             .activation = {.forward = forward, .backward = backward});
