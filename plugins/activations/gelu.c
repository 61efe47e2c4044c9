/* gelu: y = x * Phi(x), Phi the standard normal CDF (Hendrycks & Gimpel
 * 2016). approximate=tanh uses 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715
 * x^3))) instead, as torch's GELU(approximate='tanh') does. Both by the
 * host's vector math. */
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

/* Elements per pass through a stack buffer. */
#define CHUNK 256

/* Phi(x) = erfc(-x / sqrt 2) / 2 for x[0..m): erfc keeps the far left tail
 * accurate where 1 + erf(x / sqrt 2) would cancel to 0. */
static void normal_cdf(const float *x, float *phi, size_t m) {
  for (size_t i = 0; i < m; i++) phi[i] = (float)(-x[i] * SQRT_HALF);
  nnlab_vec_erfc(phi, phi, m);
  for (size_t i = 0; i < m; i++) phi[i] *= 0.5f;
}

/* The tanh form's argument 2u = 2 sqrt(2/pi) (x + 0.044715 x^3), in
 * double: 0.5 (1 + tanh(u)) is sigmoid(2u), which does not cancel for
 * large negative x as 1 + tanh(u) does. */
static double tanh_form_2u(double x) {
  return 2.0 * SQRT_2_OVER_PI * (x + TANH_CUBIC * x * x * x);
}

/* x, y: rows x cols. */
NNLAB_VECTORIZE static nnlab_status gelu_forward(const float *x, float *y,
                                                 size_t rows, size_t cols,
                                                 const nnlab_value *hp) {
  bool tanh_form = hp[APPROXIMATE].i == APPROXIMATE_TANH;
  size_t n = rows * cols;
  for (size_t start = 0; start < n; start += CHUNK) {
    size_t m = n - start < CHUNK ? n - start : CHUNK;
    float cdf[CHUNK]; /* Phi(x), or its tanh approximation */
    if (tanh_form) {
      for (size_t i = 0; i < m; i++) cdf[i] = (float)tanh_form_2u(x[start + i]);
      nnlab_vec_sigmoid(cdf, cdf, m);
    } else {
      normal_cdf(x + start, cdf, m);
    }
    for (size_t i = 0; i < m; i++) y[start + i] = x[start + i] * cdf[i];
  }
  return NNLAB_STATUS_OK;
}

/* d/dx x Phi(x) = Phi(x) + x phi(x), phi the normal density. */
static void exact_derivative(const float *x, float *d, size_t m) {
  float density[CHUNK];
  for (size_t i = 0; i < m; i++)
    density[i] = (float)(-0.5 * x[i] * (double)x[i]);
  nnlab_vec_exp(density, density, m);
  normal_cdf(x, d, m);
  for (size_t i = 0; i < m; i++)
    d[i] = (float)(d[i] + x[i] * INV_SQRT_2PI * density[i]);
}

/* Of the tanh form: s + x s (1 - s) d(2u)/dx with s = sigmoid(2u), and
 * s (1 - s) = e / (1 + e)^2, e = e^-|2u|, accurate in both tails (2u has
 * the sign of x). */
static void tanh_form_derivative(const float *x, float *d, size_t m) {
  float e[CHUNK];
  for (size_t i = 0; i < m; i++) e[i] = (float)-fabs(tanh_form_2u(x[i]));
  nnlab_vec_exp(e, e, m);
  for (size_t i = 0; i < m; i++) {
    double v = x[i], one_plus_e = 1.0 + e[i];
    double s = (v >= 0 ? 1.0 : e[i]) / one_plus_e;
    double ds = e[i] / (one_plus_e * one_plus_e);
    double du2 = 2.0 * SQRT_2_OVER_PI * (1.0 + 3.0 * TANH_CUBIC * v * v);
    d[i] = (float)(s + v * ds * du2);
  }
}

/* dx = dy * gelu'(x). */
NNLAB_VECTORIZE static nnlab_status gelu_backward(const float *x,
                                                  const float *y,
                                                  const float *dy, float *dx,
                                                  size_t rows, size_t cols,
                                                  const nnlab_value *hp) {
  (void)y;
  bool tanh_form = hp[APPROXIMATE].i == APPROXIMATE_TANH;
  size_t n = rows * cols;
  for (size_t start = 0; start < n; start += CHUNK) {
    size_t m = n - start < CHUNK ? n - start : CHUNK;
    float d[CHUNK];
    if (tanh_form)
      tanh_form_derivative(x + start, d, m);
    else
      exact_derivative(x + start, d, m);
    for (size_t i = 0; i < m; i++) dx[start + i] = dy[start + i] * d[i];
  }
  return NNLAB_STATUS_OK;
}

NNLAB_PLUGIN(.kind = NNLAB_KIND_ACTIVATION, .name = "gelu", .version = "1.0.0",
             .description = "Gaussian error linear unit: x * Phi(x)",
             .hparams = gelu_hparams,
             .n_hparams = NNLAB_ARRAY_LENGTH(gelu_hparams),
             .activation = {.flags = NNLAB_ACTIVATION_INPLACE_SAFE,
                            .forward = gelu_forward,
                            .backward = gelu_backward},
             .activation_properties = {.output = NNLAB_OUTPUT_VALUES,
                                       .failure = NNLAB_UNIT_FAILURE_NONE});
