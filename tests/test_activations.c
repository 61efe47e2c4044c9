/* The built-in activation plugins: derivatives against finite differences,
 * forward values against libm in double, behaviour at extremes, aliasing,
 * hyperparameters. Most tests run once per entry of the case table below. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <nnlab/nnlab.h>

#include "support/gradcheck.h"
#include "support/plugins.h"

/* Float gradient check: analytic vs central differences of the float
 * forward. Loose enough for float rounding (about 5e-5 at worst for the
 * step sizes gradcheck uses), tight enough that a derivative 1% off fails
 * (test_gradient checks that it does). Row-wise activations get a larger
 * atol: a step in one input moves every output of its row, so the rounding
 * errors of the whole row add up in the difference. */
#define GRAD_ATOL 1e-4
#define GRAD_ROWWISE_ATOL 5e-4
#define GRAD_RTOL 1e-3

/* Double reference checks: forward within float rounding of the libm value;
 * backward against central differences of the double reference. */
#define REF_ATOL 1e-7
#define REF_RTOL 2e-7
#define REF_GRAD_ATOL 1e-6
#define REF_GRAD_RTOL 1e-5

#define SELU_ALPHA 1.6732632423543772848170429916717
#define SELU_SCALE 1.0507009873554804934193349852946

/* ---- Helpers ------------------------------------------------------------ */

static const char *const all_activations[] = {
    "identity", "step",         "sigmoid",  "tanh",        "relu", "leaky_relu",
    "elu",      "selu",         "softplus", "gelu",        "silu", "swish",
    "mish",     "hard_sigmoid", "softmax",  "log_softmax",
};

static const nnlab_plugin_info *activation(const char *name) {
  return test_plugin(NNLAB_KIND_ACTIVATION, name);
}

/* Hyperparameter values: the defaults, then "key=value key=value" applied
 * through the same parser configs use. Free with g_free. */
static nnlab_value *new_hparams(const nnlab_plugin_info *info,
                                const char *settings) {
  nnlab_value *values = nnlab_hparams_new_defaults(info);
  if (!settings) return values;
  g_auto(GStrv) items = g_strsplit(settings, " ", -1);
  for (int i = 0; items[i]; i++) {
    g_auto(GStrv) key_value = g_strsplit(items[i], "=", 2);
    GError *error = NULL;
    if (!nnlab_hparams_set(info, values, key_value[0], key_value[1], &error))
      fail_msg("%s", error->message);
  }
  return values;
}

/* One forward value. */
static float forward1(const nnlab_plugin_info *info, const nnlab_value *hp,
                      float x) {
  float y = NAN;
  assert_int_equal(info->activation.forward(&x, &y, 1, 1, hp), NNLAB_STATUS_OK);
  return y;
}

/* The derivative at one point (dy = 1). */
static float derivative1(const nnlab_plugin_info *info, const nnlab_value *hp,
                         float x) {
  float y = forward1(info, hp, x), dy = 1.0f, dx = NAN;
  assert_int_equal(info->activation.backward(&x, &y, &dy, &dx, 1, 1, hp),
                   NNLAB_STATUS_OK);
  return dx;
}

static void assert_close(double actual, double expected, double atol,
                         double rtol, const char *what) {
  if (!(fabs(actual - expected) <= atol + rtol * fabs(expected)))
    fail_msg("%s: got %.9g, expected %.9g", what, actual, expected);
}

/* Upstream gradients with both signs and a zero, not constant along a row
 * (a constant dy gives softmax a zero gradient). */
static float upstream(size_t i) {
  return (float)((int)((i * 7) % 11) - 5) / 4.0f;
}

/* ---- Double-precision references ------------------------------------- */

static double ref_identity(double x) {
  return x;
}
static double ref_step(double x) {
  return x >= 0 ? 1 : 0;
}
static double ref_sigmoid(double x) {
  return 1 / (1 + exp(-x));
}
static double ref_tanh(double x) {
  return tanh(x);
}
static double ref_relu(double x) {
  return x > 0 ? x : 0;
}
static double leaky(double x, double slope) {
  return x > 0 ? x : slope * x;
}
static double ref_leaky_relu(double x) {
  return leaky(x, 0.01);
}
static double ref_leaky_relu_02(double x) {
  return leaky(x, 0.2);
}
static double elu(double x, double alpha) {
  return x > 0 ? x : alpha * (exp(x) - 1);
}
static double ref_elu(double x) {
  return elu(x, 1.0);
}
static double ref_elu_05(double x) {
  return elu(x, 0.5);
}
static double ref_selu(double x) {
  return SELU_SCALE * elu(x, SELU_ALPHA);
}
static double softplus(double x, double beta, double threshold) {
  return beta * x > threshold ? x : log(1 + exp(beta * x)) / beta;
}
static double ref_softplus(double x) {
  return softplus(x, 1, 20);
}
static double ref_softplus_b2(double x) {
  return softplus(x, 2, 20);
}
static double ref_softplus_b2_t5(double x) {
  return softplus(x, 2, 5);
}
static double ref_gelu(double x) {
  return 0.5 * x * (1 + erf(x / sqrt(2)));
}
static double ref_gelu_tanh(double x) {
  return 0.5 * x * (1 + tanh(sqrt(2 / M_PI) * (x + 0.044715 * x * x * x)));
}
static double ref_silu(double x) {
  return x / (1 + exp(-x));
}
static double ref_mish(double x) {
  return x * tanh(log(1 + exp(x)));
}
static double ref_hard_sigmoid(double x) {
  return fmin(fmax(x + 3, 0), 6) / 6;
}

static void ref_softmax(const double *x, double *y, size_t cols) {
  double max = x[0], sum = 0;
  for (size_t j = 1; j < cols; j++) max = fmax(max, x[j]);
  for (size_t j = 0; j < cols; j++) sum += exp(x[j] - max);
  for (size_t j = 0; j < cols; j++) y[j] = exp(x[j] - max) / sum;
}

static void ref_log_softmax(const double *x, double *y, size_t cols) {
  double max = x[0], sum = 0;
  for (size_t j = 1; j < cols; j++) max = fmax(max, x[j]);
  for (size_t j = 0; j < cols; j++) sum += exp(x[j] - max);
  for (size_t j = 0; j < cols; j++) y[j] = x[j] - max - log(sum);
}

/* ---- The case table ------------------------------------------------------
 * One entry per plugin and hyperparameter setting. */

typedef struct activation_case {
  const char *plugin;
  const char *settings; /* "key=value ..." or NULL for the defaults */
  double (*scalar_reference)(double x); /* elementwise */
  void (*row_reference)(const double *x, double *y, size_t cols); /* rows */
  /* Gradients are not checked where |x| < skip_below: the kink at 0 of
   * relu and friends, the jump of step. */
  float skip_below;
} activation_case;

static const activation_case cases[] = {
    {"identity", NULL, ref_identity, NULL, 0},
    {"step", NULL, ref_step, NULL, 1e-2f},
    {"sigmoid", NULL, ref_sigmoid, NULL, 0},
    {"tanh", NULL, ref_tanh, NULL, 0},
    {"relu", NULL, ref_relu, NULL, 1e-4f},
    {"leaky_relu", NULL, ref_leaky_relu, NULL, 1e-4f},
    {"leaky_relu", "negative_slope=0.2", ref_leaky_relu_02, NULL, 1e-4f},
    {"elu", NULL, ref_elu, NULL, 0}, /* alpha = 1: smooth enough at 0 */
    {"elu", "alpha=0.5", ref_elu_05, NULL, 1e-4f},
    {"selu", NULL, ref_selu, NULL, 1e-4f},
    {"softplus", NULL, ref_softplus, NULL, 0},
    {"softplus", "beta=2", ref_softplus_b2, NULL, 0},
    {"softplus", "beta=2 threshold=5", ref_softplus_b2_t5, NULL, 0},
    {"gelu", NULL, ref_gelu, NULL, 0},
    {"gelu", "approximate=tanh", ref_gelu_tanh, NULL, 0},
    {"silu", NULL, ref_silu, NULL, 0},
    {"swish", NULL, ref_silu, NULL, 0},
    {"mish", NULL, ref_mish, NULL, 0},
    {"hard_sigmoid", NULL, ref_hard_sigmoid, NULL, 0},
    {"softmax", NULL, NULL, ref_softmax, 0},
    {"log_softmax", NULL, NULL, ref_log_softmax, 0},
};

/* Points for elementwise activations. None sits on a kink other than 0
 * (hard_sigmoid's +-3, softplus's beta * x = threshold at x = 20, 10, 2.5). */
static const float points[] = {
    0,   1e-3f, -1e-3f, 0.1f,  -0.1f, 0.5f, -0.5f, 1,  -1,
    2,   -2,    2.9f,   -2.9f, 5,     -5,   8,     -8, 15,
    -15, 30,    -30,    100,   -100,  1000, -1000,
};

/* Rows for row-wise activations, 5 columns each. Values of +-1000 appear
 * only where they are saturated (probability 0 or 1), where a finite
 * difference step of 1 (gradcheck's 1e-3 relative step) is still exact,
 * and never beside small values: log_softmax would then output about
 * -1000 for those, where a float's spacing (6e-5) swamps a 1e-3 step. */
#define ROW_COLS 5
static const float row_points[][ROW_COLS] = {
    {0.1f, -0.5f, 2, 1, 0},       {0, 0, 0, 0, 0},
    {5, -5, 1e-3f, -1e-3f, 0.5f}, {30, 29, -30, 0.5f, 28.5f},
    {-1, 1, -2, 2, 0.25f},        {1000, -1000, -999, -1000.5f, -998},
    {-3, 3, -0.25f, 0.75f, 7},
};
#define ROW_ROWS NNLAB_ARRAY_LENGTH(row_points)

/* Room for either set of points. */
#define MAX_POINTS 64
_Static_assert(NNLAB_ARRAY_LENGTH(points) <= MAX_POINTS &&
                   ROW_ROWS * ROW_COLS <= MAX_POINTS,
               "MAX_POINTS too small");

/* Moderate values for the aliasing test, 3 x 5. */
static const float alias_points[3][5] = {
    {-2, -0.5f, 0, 0.5f, 2},
    {1, -1, 3.5f, -3.5f, 0.25f},
    {10, -10, 1e-3f, 7, -7},
};

static bool is_rowwise(const nnlab_plugin_info *info) {
  return info->activation.flags & NNLAB_ACTIVATION_ROWWISE;
}

/* The points of a case with |x| >= skip_below, as one row. */
static size_t gradient_points(const activation_case *c, float *x) {
  size_t n = 0;
  for (size_t i = 0; i < NNLAB_ARRAY_LENGTH(points); i++)
    if (fabsf(points[i]) >= c->skip_below) x[n++] = points[i];
  return n;
}

/* y = reference(x) row by row. */
static void reference_forward(const activation_case *c, const double *x,
                              double *y, size_t rows, size_t cols) {
  for (size_t r = 0; r < rows; r++) {
    if (c->row_reference) {
      c->row_reference(x + r * cols, y + r * cols, cols);
    } else {
      for (size_t j = 0; j < cols; j++)
        y[r * cols + j] = c->scalar_reference(x[r * cols + j]);
    }
  }
}

/* J^T dy of the reference by central differences in double. */
static void reference_backward(const activation_case *c, const float *x,
                               const float *dy, double *dx, size_t rows,
                               size_t cols) {
  double *xr = malloc(cols * sizeof *xr), *yr = malloc(cols * sizeof *yr);
  for (size_t r = 0; r < rows; r++) {
    for (size_t j = 0; j < cols; j++) xr[j] = x[r * cols + j];
    for (size_t j = 0; j < cols; j++) {
      double h = 1e-5 * fmax(1, fabs(xr[j])), sums[2];
      for (int side = 0; side < 2; side++) {
        xr[j] = x[r * cols + j] + (side ? -h : h);
        reference_forward(c, xr, yr, 1, cols);
        sums[side] = 0;
        for (size_t k = 0; k < cols; k++)
          sums[side] += dy[r * cols + k] * yr[k];
      }
      xr[j] = x[r * cols + j];
      dx[r * cols + j] = (sums[0] - sums[1]) / (2 * h);
    }
  }
  free(xr);
  free(yr);
}

/* ---- Per-case tests ------------------------------------------------------ */

static double gradient_atol(const nnlab_plugin_info *info) {
  return is_rowwise(info) ? GRAD_ROWWISE_ATOL : GRAD_ATOL;
}

/* gradcheck_activation, but failing the test with its message. */
static void check_gradient(const nnlab_plugin_info *info, const nnlab_value *hp,
                           const float *x, size_t rows, size_t cols) {
  char message[256];
  if (!gradcheck_activation(info, hp, x, rows, cols, gradient_atol(info),
                            GRAD_RTOL, message, sizeof message))
    fail_msg("%s", message);
}

/* A backward that is wrong on purpose, to show the check catches it. */
static const nnlab_plugin_info *perturbed_target;
static float perturbed_scale, perturbed_shift;

static nnlab_status perturbed_backward(const float *x, const float *y,
                                       const float *dy, float *dx, size_t rows,
                                       size_t cols, const nnlab_value *hp) {
  nnlab_status status =
      perturbed_target->activation.backward(x, y, dy, dx, rows, cols, hp);
  for (size_t i = 0; i < rows * cols; i++)
    dx[i] = dx[i] * perturbed_scale + perturbed_shift;
  return status;
}

static void assert_perturbation_caught(const nnlab_plugin_info *info,
                                       const nnlab_value *hp, const float *x,
                                       size_t rows, size_t cols, float scale,
                                       float shift) {
  nnlab_plugin_info wrong = *info;
  char message[256];
  wrong.activation.backward = perturbed_backward;
  perturbed_target = info;
  perturbed_scale = scale;
  perturbed_shift = shift;
  if (gradcheck_activation(&wrong, hp, x, rows, cols, gradient_atol(info),
                           GRAD_RTOL, message, sizeof message))
    fail_msg("%s: a derivative scaled by %g and shifted by %g passed",
             info->name, (double)scale, (double)shift);
}

static void test_gradient(void **state) {
  const activation_case *c = *state;
  const nnlab_plugin_info *info = activation(c->plugin);
  nnlab_value *hp = new_hparams(info, c->settings);
  float x[MAX_POINTS];
  size_t rows = 1, cols;
  if (is_rowwise(info)) {
    rows = ROW_ROWS;
    cols = ROW_COLS;
    memcpy(x, row_points, sizeof row_points);
    /* A single column: the output is constant, the gradient zero. */
    check_gradient(info, hp, (const float[]){0.5f, -3, 1000}, 3, 1);
  } else {
    cols = gradient_points(c, x);
  }
  check_gradient(info, hp, x, rows, cols);
  /* The same check fails for a derivative 1% off, or, for step's zero
   * derivative, one 5e-4 off. */
  if (strcmp(c->plugin, "step") == 0)
    assert_perturbation_caught(info, hp, x, rows, cols, 1, 5e-4f);
  else
    assert_perturbation_caught(info, hp, x, rows, cols, 1.01f, 0);
  g_free(hp);
}

static void test_reference(void **state) {
  const activation_case *c = *state;
  const nnlab_plugin_info *info = activation(c->plugin);
  nnlab_value *hp = new_hparams(info, c->settings);
  float x[MAX_POINTS], y[MAX_POINTS], dy[MAX_POINTS], dx[MAX_POINTS];
  double xd[MAX_POINTS], expected[MAX_POINTS];
  size_t rows = 1, cols = NNLAB_ARRAY_LENGTH(points);
  if (is_rowwise(info)) {
    rows = ROW_ROWS;
    cols = ROW_COLS;
    memcpy(x, row_points, sizeof row_points);
  } else {
    memcpy(x, points, sizeof points);
  }
  size_t n = rows * cols;
  for (size_t i = 0; i < n; i++) xd[i] = x[i], dy[i] = upstream(i);

  assert_int_equal(info->activation.forward(x, y, rows, cols, hp),
                   NNLAB_STATUS_OK);
  reference_forward(c, xd, expected, rows, cols);
  for (size_t i = 0; i < n; i++) {
    char what[96];
    snprintf(what, sizeof what, "%s forward at x=%g (element %zu)", info->name,
             (double)x[i], i);
    assert_close(y[i], expected[i], REF_ATOL, REF_RTOL, what);
  }

  assert_int_equal(info->activation.backward(x, y, dy, dx, rows, cols, hp),
                   NNLAB_STATUS_OK);
  reference_backward(c, x, dy, expected, rows, cols);
  for (size_t i = 0; i < n; i++) {
    char what[96];
    if (fabsf(x[i]) < c->skip_below) continue;
    snprintf(what, sizeof what, "%s backward at x=%g (element %zu)", info->name,
             (double)x[i], i);
    assert_close(dx[i], expected[i], REF_GRAD_ATOL, REF_GRAD_RTOL, what);
  }
  g_free(hp);
}

/* Finite output from finite input, however large. Pairs so that row-wise
 * activations see [1000, 1000], [-1000, 1000] and so on. */
static void test_extremes(void **state) {
  const activation_case *c = *state;
  const nnlab_plugin_info *info = activation(c->plugin);
  nnlab_value *hp = new_hparams(info, c->settings);
  static const float x[][2] = {
      {1000, 1000},    {-1000, 1000},    {-1000, -1000},    {1e30f, -1e30f},
      {1e38f, -1e38f}, {-1e38f, -1e38f}, {1e-45f, -1e-45f}, {0, -0.0f},
  };
  size_t rows = NNLAB_ARRAY_LENGTH(x), n = rows * 2;
  float y[NNLAB_ARRAY_LENGTH(x) * 2], dy[NNLAB_ARRAY_LENGTH(x) * 2];
  float dx[NNLAB_ARRAY_LENGTH(x) * 2];
  for (size_t i = 0; i < n; i++) dy[i] = upstream(i) + 0.125f;
  assert_int_equal(info->activation.forward(&x[0][0], y, rows, 2, hp),
                   NNLAB_STATUS_OK);
  assert_int_equal(info->activation.backward(&x[0][0], y, dy, dx, rows, 2, hp),
                   NNLAB_STATUS_OK);
  for (size_t i = 0; i < n; i++) {
    if (!isfinite(y[i]) || !isfinite(dx[i]))
      fail_msg("%s at x=%g: y=%g, dx=%g", info->name, (double)(&x[0][0])[i],
               (double)y[i], (double)dx[i]);
  }
  g_free(hp);
}

/* In place (y over x, dx over dy) gives the same bits as out of place, as
 * NNLAB_ACTIVATION_INPLACE_SAFE promises; and backward overwrites dx rather
 * than adding to it. */
static void test_aliasing(void **state) {
  const activation_case *c = *state;
  const nnlab_plugin_info *info = activation(c->plugin);
  nnlab_value *hp = new_hparams(info, c->settings);
  enum { ROWS = 3, COLS = 5, N = ROWS * COLS };
  const float *x = &alias_points[0][0];
  float y[N], dy[N], dx[N], dx_dirty[N], buffer[N];
  for (size_t i = 0; i < N; i++) dy[i] = upstream(i), dx_dirty[i] = NAN;
  info->activation.forward(x, y, ROWS, COLS, hp);
  memset(dx, 0, sizeof dx);
  info->activation.backward(x, y, dy, dx, ROWS, COLS, hp);
  info->activation.backward(x, y, dy, dx_dirty, ROWS, COLS, hp);
  assert_true(all_finite(dx, N));
  assert_memory_equal(dx, dx_dirty, sizeof dx);

  assert_true(info->activation.flags & NNLAB_ACTIVATION_INPLACE_SAFE);
  memcpy(buffer, x, sizeof buffer);
  info->activation.forward(buffer, buffer, ROWS, COLS, hp);
  assert_memory_equal(buffer, y, sizeof y);
  memcpy(buffer, dy, sizeof buffer);
  info->activation.backward(x, y, buffer, buffer, ROWS, COLS, hp);
  assert_memory_equal(buffer, dx, sizeof dx);
  g_free(hp);
}

/* ---- Single tests ------------------------------------------------------ */

static void test_every_activation_found(void **state) {
  (void)state;
  for (size_t i = 0; i < NNLAB_ARRAY_LENGTH(all_activations); i++) {
    const char *name = all_activations[i];
    const nnlab_plugin_info *info = activation(name);
    bool rowwise =
        strcmp(name, "softmax") == 0 || strcmp(name, "log_softmax") == 0;
    assert_int_equal(info->kind, NNLAB_KIND_ACTIVATION);
    assert_string_equal(info->name, name);
    assert_string_equal(info->version, "1.0.0");
    assert_non_null(info->description);
    assert_true(info->description[0] != '\0');
    assert_null(strchr(info->description, '\n'));
    assert_non_null(info->activation.forward);
    assert_non_null(info->activation.backward);
    assert_int_equal(is_rowwise(info), rowwise);
    for (size_t h = 0; h < info->n_hparams; h++)
      assert_non_null(info->hparams[h].help);
  }
}

static void test_known_values(void **state) {
  (void)state;
  const struct {
    const char *plugin, *settings;
    float x;
    double y;
  } known[] = {
      {"identity", NULL, -2.5f, -2.5},
      {"sigmoid", NULL, 0, 0.5},
      {"sigmoid", NULL, 2, 0.8807970779778823},
      {"tanh", NULL, 1, 0.7615941559557649},
      {"relu", NULL, -3, 0},
      {"relu", NULL, 3, 3},
      {"leaky_relu", NULL, -1, -0.01},
      {"leaky_relu", "negative_slope=0.2", -2, -0.4},
      {"elu", NULL, -1, exp(-1.0) - 1},
      {"elu", "alpha=0.5", -1, 0.5 * (exp(-1.0) - 1)},
      {"selu", NULL, 1, 1.0507009873554805},
      {"selu", NULL, -1, -1.1113307378125628},
      {"softplus", NULL, 0, log(2.0)},
      {"softplus", "beta=2", 1, log1p(exp(2.0)) / 2},
      {"softplus", "beta=2 threshold=5", 3, 3},
      {"gelu", NULL, 1, 0.8413447460685429},
      {"gelu", NULL, -1, -0.15865525393145707},
      {"gelu", "approximate=tanh", 1, 0.8411919906082768},
      {"silu", NULL, 1, 0.7310585786300049},
      {"swish", NULL, 1, 0.7310585786300049},
      {"mish", NULL, 1, 0.8650983882673103},
      {"hard_sigmoid", NULL, 0, 0.5},
      {"hard_sigmoid", NULL, 1, 2.0 / 3},
      {"hard_sigmoid", NULL, 3, 1},
      {"hard_sigmoid", NULL, -3, 0},
  };
  for (size_t i = 0; i < NNLAB_ARRAY_LENGTH(known); i++) {
    const nnlab_plugin_info *info = activation(known[i].plugin);
    nnlab_value *hp = new_hparams(info, known[i].settings);
    char what[96];
    snprintf(what, sizeof what, "%s(%g) %s", known[i].plugin,
             (double)known[i].x, known[i].settings ? known[i].settings : "");
    assert_close(forward1(info, hp, known[i].x), known[i].y, REF_ATOL, REF_RTOL,
                 what);
    g_free(hp);
  }

  /* Softmax rows are distributions; [0, log 2] gives [1/3, 2/3]. */
  const nnlab_plugin_info *softmax = activation("softmax");
  const nnlab_plugin_info *log_softmax = activation("log_softmax");
  float y[ROW_ROWS * ROW_COLS], log_y[ROW_ROWS * ROW_COLS];
  softmax->activation.forward(&row_points[0][0], y, ROW_ROWS, ROW_COLS, NULL);
  log_softmax->activation.forward(&row_points[0][0], log_y, ROW_ROWS, ROW_COLS,
                                  NULL);
  for (size_t r = 0; r < ROW_ROWS; r++) {
    double sum = 0, sum_exp = 0;
    for (size_t j = 0; j < ROW_COLS; j++) {
      assert_true(y[r * ROW_COLS + j] >= 0 && y[r * ROW_COLS + j] <= 1);
      sum += y[r * ROW_COLS + j];
      sum_exp += exp(log_y[r * ROW_COLS + j]);
    }
    assert_close(sum, 1, 1e-6, 0, "softmax row sum");
    assert_close(sum_exp, 1, 1e-6, 0, "exp(log_softmax) row sum");
  }
  float pair[2] = {0, (float)log(2.0)};
  softmax->activation.forward(pair, y, 1, 2, NULL);
  assert_close(y[0], 1.0 / 3, REF_ATOL, REF_RTOL, "softmax [0, log 2][0]");
  assert_close(y[1], 2.0 / 3, REF_ATOL, REF_RTOL, "softmax [0, log 2][1]");
}

/* Exact limits where a naive formula overflows or cancels. */
static void test_saturation(void **state) {
  (void)state;
  const struct {
    const char *plugin;
    float x, y;
  } limits[] = {
      {"sigmoid", -1000, 0},
      {"sigmoid", 1000, 1},
      {"tanh", -1000, -1},
      {"tanh", 1000, 1},
      {"softplus", 1000, 1000},
      {"softplus", -1000, 0},
      {"elu", -1000, -1},
      {"gelu", 1000, 1000},
      {"gelu", -1000, 0},
      {"silu", 1000, 1000},
      {"silu", -1000, 0},
      {"mish", 1000, 1000},
      {"mish", -1000, 0},
      {"hard_sigmoid", 1000, 1},
      {"hard_sigmoid", -1000, 0},
      {"selu", -1000, (float)(-SELU_SCALE * SELU_ALPHA)},
  };
  for (size_t i = 0; i < NNLAB_ARRAY_LENGTH(limits); i++) {
    const nnlab_plugin_info *info = activation(limits[i].plugin);
    nnlab_value *hp = nnlab_hparams_new_defaults(info);
    float y = forward1(info, hp, limits[i].x);
    if (y != limits[i].y)
      fail_msg("%s(%g) = %.9g, expected %.9g", limits[i].plugin,
               (double)limits[i].x, (double)y, (double)limits[i].y);
    assert_true(isfinite(derivative1(info, hp, limits[i].x)));
    g_free(hp);
  }

  const nnlab_plugin_info *softmax = activation("softmax");
  const nnlab_plugin_info *log_softmax = activation("log_softmax");
  float y[2];
  softmax->activation.forward((const float[]){1000, 1000}, y, 1, 2, NULL);
  assert_true(y[0] == 0.5f && y[1] == 0.5f);
  softmax->activation.forward((const float[]){-1000, 1000}, y, 1, 2, NULL);
  assert_true(y[0] == 0 && y[1] == 1);
  log_softmax->activation.forward((const float[]){-1000, 1000}, y, 1, 2, NULL);
  assert_true(y[0] == -2000 && y[1] == 0);
  log_softmax->activation.forward((const float[]){1000, 1000}, y, 1, 2, NULL);
  assert_close(y[0], -log(2.0), REF_ATOL, REF_RTOL, "log_softmax [1000,1000]");
  assert_close(y[1], -log(2.0), REF_ATOL, REF_RTOL, "log_softmax [1000,1000]");
}

/* The perceptron's step: 1 for x >= 0 (including -0), else 0, and a zero
 * derivative everywhere, the jump included. */
static void test_step(void **state) {
  (void)state;
  const nnlab_plugin_info *step = activation("step");
  const float x[] = {0, -0.0f, 1e-45f, -1e-45f, 0.5f, -0.5f, 1000, -1000};
  const float expected[] = {1, 1, 1, 0, 1, 0, 1, 0};
  float y[NNLAB_ARRAY_LENGTH(x)], dy[NNLAB_ARRAY_LENGTH(x)];
  float dx[NNLAB_ARRAY_LENGTH(x)];
  size_t n = NNLAB_ARRAY_LENGTH(x);
  for (size_t i = 0; i < n; i++) dy[i] = 1.0f + (float)i, dx[i] = NAN;
  step->activation.forward(x, y, 1, n, NULL);
  step->activation.backward(x, y, dy, dx, 1, n, NULL);
  for (size_t i = 0; i < n; i++) {
    assert_true(y[i] == expected[i]);
    assert_true(dx[i] == 0);
  }
}

/* Defaults and ranges follow torch; values outside the ranges are refused
 * by the host. */
static void test_hparam_tables(void **state) {
  (void)state;
  const struct {
    const char *plugin, *key;
    double default_value;
  } defaults[] = {
      {"leaky_relu", "negative_slope", 0.01},
      {"elu", "alpha", 1.0},
      {"softplus", "beta", 1.0},
      {"softplus", "threshold", 20.0},
      {"gelu", "approximate", 0},
  };
  for (size_t i = 0; i < NNLAB_ARRAY_LENGTH(defaults); i++) {
    const nnlab_plugin_info *info = activation(defaults[i].plugin);
    int index = nnlab_hparams_index(info, defaults[i].key);
    assert_true(index >= 0);
    assert_true(info->hparams[index].default_value[0] ==
                defaults[i].default_value);
  }
  const nnlab_plugin_info *gelu = activation("gelu");
  assert_int_equal(gelu->hparams[0].type, NNLAB_HPARAM_CHOICE);
  assert_string_equal(gelu->hparams[0].choices, "none|tanh");
  nnlab_value *hp = new_hparams(gelu, "approximate=tanh");
  assert_int_equal(hp[0].i, 1);
  g_free(hp);

  const char *const no_hparams[] = {
      "identity", "step",  "sigmoid", "tanh",         "relu",    "selu",
      "silu",     "swish", "mish",    "hard_sigmoid", "softmax", "log_softmax"};
  for (size_t i = 0; i < NNLAB_ARRAY_LENGTH(no_hparams); i++)
    assert_int_equal(activation(no_hparams[i])->n_hparams, 0);

  const struct {
    const char *plugin, *key, *value;
  } refused[] = {
      {"leaky_relu", "negative_slope", "-0.1"},
      {"elu", "alpha", "-0.5"},
      {"softplus", "beta", "0"},
      {"softplus", "threshold", "0"},
      {"gelu", "approximate", "fast"},
  };
  for (size_t i = 0; i < NNLAB_ARRAY_LENGTH(refused); i++) {
    const nnlab_plugin_info *info = activation(refused[i].plugin);
    nnlab_value *values = nnlab_hparams_new_defaults(info);
    GError *error = NULL;
    if (nnlab_hparams_set(info, values, refused[i].key, refused[i].value,
                          &error))
      fail_msg("%s %s=%s was accepted", refused[i].plugin, refused[i].key,
               refused[i].value);
    g_clear_error(&error);
    g_free(values);
  }
}

/* swish is silu under another name. */
static void test_swish_is_silu(void **state) {
  (void)state;
  const nnlab_plugin_info *silu = activation("silu");
  const nnlab_plugin_info *swish = activation("swish");
  size_t n = NNLAB_ARRAY_LENGTH(points);
  float y_silu[NNLAB_ARRAY_LENGTH(points)], y_swish[NNLAB_ARRAY_LENGTH(points)];
  float dy[NNLAB_ARRAY_LENGTH(points)];
  float dx_silu[NNLAB_ARRAY_LENGTH(points)];
  float dx_swish[NNLAB_ARRAY_LENGTH(points)];
  for (size_t i = 0; i < n; i++) dy[i] = upstream(i);
  silu->activation.forward(points, y_silu, 1, n, NULL);
  swish->activation.forward(points, y_swish, 1, n, NULL);
  silu->activation.backward(points, y_silu, dy, dx_silu, 1, n, NULL);
  swish->activation.backward(points, y_swish, dy, dx_swish, 1, n, NULL);
  assert_memory_equal(y_silu, y_swish, sizeof y_silu);
  assert_memory_equal(dx_silu, dx_swish, sizeof dx_silu);
  assert_non_null(strstr(swish->description, "silu"));
}

/* ---- Runner ----------------------------------------------------------- */

#define N_CASES NNLAB_ARRAY_LENGTH(cases)

static const struct {
  const char *name;
  CMUnitTestFunction function;
} per_case[] = {
    {"gradient", test_gradient},
    {"reference", test_reference},
    {"extremes", test_extremes},
    {"aliasing", test_aliasing},
};

int main(void) {
  static char names[N_CASES * NNLAB_ARRAY_LENGTH(per_case)][96];
  static struct CMUnitTest tests[N_CASES * NNLAB_ARRAY_LENGTH(per_case) + 6] = {
      cmocka_unit_test(test_every_activation_found),
      cmocka_unit_test(test_known_values),
      cmocka_unit_test(test_saturation),
      cmocka_unit_test(test_step),
      cmocka_unit_test(test_hparam_tables),
      cmocka_unit_test(test_swish_is_silu),
  };
  size_t n = 6;
  for (size_t p = 0; p < NNLAB_ARRAY_LENGTH(per_case); p++) {
    for (size_t c = 0; c < N_CASES; c++) {
      char *name = names[p * N_CASES + c];
      snprintf(name, sizeof names[0], "%s %s%s%s", per_case[p].name,
               cases[c].plugin, cases[c].settings ? " " : "",
               cases[c].settings ? cases[c].settings : "");
      tests[n++] = (struct CMUnitTest){.name = name,
                                       .test_func = per_case[p].function,
                                       .initial_state = (void *)&cases[c]};
    }
  }
  assert_int_equal(n, NNLAB_ARRAY_LENGTH(tests));
  return cmocka_run_group_tests_name("activations", tests, NULL, NULL);
}
