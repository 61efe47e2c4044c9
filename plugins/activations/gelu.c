/* gelu: y = x * Phi(x), Phi the standard normal CDF (Hendrycks & Gimpel
 * 2016). approximate=tanh uses 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715
 * x^3))) instead, as torch's GELU(approximate='tanh') does. */
#include <math.h>

#include <nnlab/plugin.h>

enum { APPROXIMATE };
enum { APPROXIMATE_NONE, APPROXIMATE_TANH };

static const nnlab_hparam gelu_hparams[] = {
    [APPROXIMATE] = NNLAB_HPARAM_CHOICE_DEF(
        "approximate", APPROXIMATE_NONE, "none|tanh",
        "none: exact erf form; tanh: the tanh approximation"),
};

#define SQRT_HALF 0.70710678118654752440      /* 1 / sqrt(2) */
#define INV_SQRT_2PI 0.39894228040143267794   /* 1 / sqrt(2 pi) */
#define SQRT_2_OVER_PI 0.79788456080286535588 /* sqrt(2 / pi) */
#define TANH_CUBIC 0.044715

/* Phi(x) = erfc(-x / sqrt 2) / 2: erfc keeps the far left tail accurate
 * where 1 + erf(x / sqrt 2) would cancel to 0. */
static double normal_cdf(double x) {
  return 0.5 * erfc(-x * SQRT_HALF);
}

static double gelu_exact(double x) {
  return x * normal_cdf(x);
}

/* d/dx x Phi(x) = Phi(x) + x phi(x). */
static double gelu_exact_derivative(double x) {
  return normal_cdf(x) + x * INV_SQRT_2PI * exp(-0.5 * x * x);
}

static double gelu_tanh(double x) {
  double u = SQRT_2_OVER_PI * (x + TANH_CUBIC * x * x * x);
  return 0.5 * x * (1.0 + tanh(u));
}

static double gelu_tanh_derivative(double x) {
  double t = tanh(SQRT_2_OVER_PI * (x + TANH_CUBIC * x * x * x));
  double du = SQRT_2_OVER_PI * (1.0 + 3.0 * TANH_CUBIC * x * x);
  return 0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * du;
}

/* x, y: rows x cols. */
static nnlab_status gelu_forward(const float *x, float *y, size_t rows,
                                 size_t cols, const nnlab_value *hp) {
  double (*f)(double) =
      hp[APPROXIMATE].i == APPROXIMATE_TANH ? gelu_tanh : gelu_exact;
  for (size_t i = 0; i < rows * cols; i++) y[i] = (float)f(x[i]);
  return NNLAB_STATUS_OK;
}

/* dx = dy * gelu'(x). */
static nnlab_status gelu_backward(const float *x, const float *y,
                                  const float *dy, float *dx, size_t rows,
                                  size_t cols, const nnlab_value *hp) {
  (void)y;
  double (*df)(double) = hp[APPROXIMATE].i == APPROXIMATE_TANH
                             ? gelu_tanh_derivative
                             : gelu_exact_derivative;
  for (size_t i = 0; i < rows * cols; i++) dx[i] = (float)(dy[i] * df(x[i]));
  return NNLAB_STATUS_OK;
}

NNLAB_PLUGIN(.kind = NNLAB_KIND_ACTIVATION, .name = "gelu", .version = "1.0.0",
             .description = "Gaussian error linear unit: x * Phi(x)",
             .hparams = gelu_hparams,
             .n_hparams = NNLAB_ARRAY_LENGTH(gelu_hparams),
             .activation = {.flags = NNLAB_ACTIVATION_INPLACE_SAFE,
                            .forward = gelu_forward,
                            .backward = gelu_backward});
