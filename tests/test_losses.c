/* Tests of the built-in loss plugins: gradients against central differences,
 * values computed independently (by hand or with libm in double), extreme
 * inputs, error statuses and hyperparameters. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <nnlab/nnlab.h>

#include "support/gradcheck.h"
#include "support/plugins.h"

static const char *const all_losses[] = {
    "mse",           "mae", "huber", "binary_cross_entropy", "bce_with_logits",
    "cross_entropy", "nll"};

/* Gradient tolerances: the analytic gradient is a float (relative error
 * ~6e-8) and the loss a double, so what is left is the truncation error of
 * the central differences, at most ~4e-6 relative at the points below. A
 * gradient off by 1e-4 relative fails. */
#define GRAD_ATOL 1e-7
#define GRAD_RTOL 1e-5

static const nnlab_plugin_info *loss_plugin(const char *name) {
  return test_plugin(NNLAB_KIND_LOSS, name);
}

#define assert_near(actual, expected, tol)                                    \
  do {                                                                        \
    double actual_ = (actual), expected_ = (expected), tol_ = (tol);          \
    if (!(fabs(actual_ - expected_) <= tol_))                                 \
      fail_msg("%s = %.17g, expected %.17g (tolerance %g)", #actual, actual_, \
               expected_, tol_);                                              \
  } while (0)

#define assert_gradcheck(info, hp, pred, targets, rows, cols)             \
  do {                                                                    \
    char message_[256] = "";                                              \
    if (!gradcheck_loss((info), (hp), (pred), (targets), (rows), (cols),  \
                        GRAD_ATOL, GRAD_RTOL, message_, sizeof message_)) \
      fail_msg("%s", message_);                                           \
  } while (0)

/* The loss, with the gradient in dpred unless it is NULL; fails the test
 * unless compute succeeds with finite results, and checks that the value
 * does not depend on whether the gradient is asked for. */
static double compute(const nnlab_plugin_info *info, const nnlab_value *hp,
                      const float *pred, const nnlab_targets *targets,
                      size_t rows, size_t cols, float *dpred) {
  double loss = NAN, loss_only = NAN;
  assert_int_equal(
      info->loss.compute(pred, targets, rows, cols, hp, &loss, dpred),
      NNLAB_STATUS_OK);
  assert_true(isfinite(loss));
  if (dpred) assert_true(all_finite(dpred, rows * cols));
  assert_int_equal(
      info->loss.compute(pred, targets, rows, cols, hp, &loss_only, NULL),
      NNLAB_STATUS_OK);
  assert_true(loss_only == loss);
  return loss;
}

static nnlab_status status_of(const char *name, const float *pred,
                              const nnlab_targets *targets, size_t rows,
                              size_t cols) {
  const nnlab_plugin_info *info = loss_plugin(name);
  nnlab_value *hp = nnlab_hparams_new_defaults(info);
  float dpred[16];
  double loss = 0;
  nnlab_status status =
      info->loss.compute(pred, targets, rows, cols, hp, &loss, dpred);
  g_free(hp);
  return status;
}

/* A copy of the defaults with one hyperparameter set from text. */
static nnlab_value *hparams_with(const nnlab_plugin_info *info, const char *key,
                                 const char *text) {
  nnlab_value *hp = nnlab_hparams_new_defaults(info);
  GError *error = NULL;
  if (!nnlab_hparams_set(info, hp, key, text, &error))
    fail_msg("%s", error->message);
  return hp;
}

/* Like gradcheck_loss, for probabilities near 0 or 1 where its step of at
 * least 1e-3 would leave (0, 1): the step is 1e-3 of the distance to the
 * nearer end. */
static void assert_gradcheck_probabilities(const nnlab_plugin_info *info,
                                           const float *pred,
                                           const nnlab_targets *targets,
                                           size_t rows, size_t cols) {
  size_t n = rows * cols;
  float p[16], grad[16];
  assert_true(n <= 16);
  memcpy(p, pred, n * sizeof *p);
  compute(info, NULL, pred, targets, rows, cols, grad);
  for (size_t i = 0; i < n; i++) {
    volatile float up = pred[i] + 1e-3f * fminf(pred[i], 1 - pred[i]);
    float h = up - pred[i];
    double loss_up, loss_down;
    p[i] = pred[i] + h;
    assert_int_equal(
        info->loss.compute(p, targets, rows, cols, NULL, &loss_up, NULL),
        NNLAB_STATUS_OK);
    p[i] = pred[i] - h;
    assert_int_equal(
        info->loss.compute(p, targets, rows, cols, NULL, &loss_down, NULL),
        NNLAB_STATUS_OK);
    p[i] = pred[i];
    double numeric = (loss_up - loss_down) / (2.0 * h);
    if (!(fabs(grad[i] - numeric) <=
          GRAD_ATOL + GRAD_RTOL * fmax(fabs(grad[i]), fabs(numeric))))
      fail_msg("%s: element %zu at pred=%g: analytic %.9g, numeric %.9g",
               info->name, i, (double)pred[i], (double)grad[i], numeric);
  }
}

static double sigmoid(double x) {
  return 1 / (1 + exp(-x));
}

/* ---- Descriptors ---- */

static void test_descriptors(void **state) {
  (void)state;
  static const struct {
    const char *name;
    uint32_t targets;
    const char *hparam; /* the one hyperparameter, or NULL */
  } expected[] = {
      {"mse", NNLAB_LOSS_FLOAT_TARGETS, NULL},
      {"mae", NNLAB_LOSS_FLOAT_TARGETS, NULL},
      {"huber", NNLAB_LOSS_FLOAT_TARGETS, "delta"},
      {"binary_cross_entropy",
       NNLAB_LOSS_FLOAT_TARGETS | NNLAB_LOSS_CLASS_TARGETS, NULL},
      {"bce_with_logits", NNLAB_LOSS_FLOAT_TARGETS | NNLAB_LOSS_CLASS_TARGETS,
       NULL},
      {"cross_entropy", NNLAB_LOSS_FLOAT_TARGETS | NNLAB_LOSS_CLASS_TARGETS,
       "label_smoothing"},
      {"nll", NNLAB_LOSS_CLASS_TARGETS, NULL},
  };
  assert_int_equal(G_N_ELEMENTS(expected), G_N_ELEMENTS(all_losses));
  for (size_t i = 0; i < G_N_ELEMENTS(expected); i++) {
    const nnlab_plugin_info *info = loss_plugin(expected[i].name);
    assert_int_equal(info->kind, NNLAB_KIND_LOSS);
    assert_string_equal(info->name, expected[i].name);
    assert_string_equal(info->version, "1.0.0");
    assert_non_null(info->description);
    assert_int_equal(info->loss.targets, expected[i].targets);
    assert_non_null(info->loss.compute);
    if (expected[i].hparam) {
      assert_int_equal(info->n_hparams, 1);
      assert_string_equal(info->hparams[0].name, expected[i].hparam);
      assert_non_null(info->hparams[0].help);
    } else {
      assert_int_equal(info->n_hparams, 0);
    }
  }
}

/* ---- Gradients against central differences ---- */

/* 3 x 4 predictions covering 0, +-1e-3, +-5, +-30 and +-1000. */
static const float wide_pred[12] = {0,   1e-3f, -1e-3f, 5,     -5,   30,
                                    -30, 1000,  -1000,  0.25f, 2.0f, -7};

static void test_mse_gradient(void **state) {
  (void)state;
  static const float target[12] = {0.5f, -1,  0,    4, -5, 2,
                                   -31,  999, -990, 0, 3,  -7.5f};
  nnlab_targets targets = {.values = target};
  assert_gradcheck(loss_plugin("mse"), NULL, wide_pred, &targets, 3, 4);
  assert_gradcheck(loss_plugin("mse"), NULL, wide_pred, &targets, 12, 1);
}

static void test_mae_gradient(void **state) {
  (void)state;
  /* Every |pred - target| exceeds the finite-difference step, so the
   * differences never straddle the kink at 0. */
  static const float target[12] = {0.5f, -0.5f, 0.5f,  3,      -2,   31,
                                   -29,  998,   -1003, -0.25f, 2.5f, -6};
  nnlab_targets targets = {.values = target};
  assert_gradcheck(loss_plugin("mae"), NULL, wide_pred, &targets, 3, 4);
  assert_gradcheck(loss_plugin("mae"), NULL, wide_pred, &targets, 2, 6);
}

static void test_huber_gradient(void **state) {
  (void)state;
  /* Both regimes for delta 1 and 0.5, each |d| at least a step away from
   * delta: d = -0.3, 2.001, -0.701, -0.2, -4, 2, 0.4, 10, 5, 0.1, -1.5,
   * -0.75. */
  static const float target[12] = {0.3f,   -2,  0.7f,  5.2f,  -1,   28,
                                   -30.4f, 990, -1005, 0.15f, 3.5f, -6.25f};
  nnlab_targets targets = {.values = target};
  const nnlab_plugin_info *info = loss_plugin("huber");
  nnlab_value *hp = nnlab_hparams_new_defaults(info);
  assert_gradcheck(info, hp, wide_pred, &targets, 3, 4);
  g_free(hp);
  hp = hparams_with(info, "delta", "0.5");
  assert_gradcheck(info, hp, wide_pred, &targets, 4, 3);
  g_free(hp);
  hp = hparams_with(info, "delta", "3");
  assert_gradcheck(info, hp, wide_pred, &targets, 3, 4);
  g_free(hp);
}

static void test_binary_cross_entropy_gradient(void **state) {
  (void)state;
  const nnlab_plugin_info *info = loss_plugin("binary_cross_entropy");
  static const float pred[9] = {1e-3f, 0.3f, 0.999f, 0.5f, 0.01f,
                                0.99f, 0.2f, 0.75f,  0.6f};
  static const float target[9] = {0.3f, 1, 0, 0.5f, 0, 1, 1, 0, 0.9f};
  nnlab_targets float_targets = {.values = target};
  assert_gradcheck_probabilities(info, pred, &float_targets, 3, 3);
  /* Away from the ends the shared checker applies too. */
  static const float middle[6] = {0.3f, 0.5f, 0.2f, 0.75f, 0.6f, 0.05f};
  static const float middle_target[6] = {1, 0.5f, 0, 0.25f, 0.9f, 0};
  nnlab_targets middle_targets = {.values = middle_target};
  assert_gradcheck(info, NULL, middle, &middle_targets, 2, 3);

  static const int32_t classes[4] = {1, 0, 1, 0};
  nnlab_targets class_targets = {.classes = classes};
  assert_gradcheck_probabilities(info, pred, &class_targets, 4, 1);
  assert_gradcheck(info, NULL, middle, &class_targets, 4, 1);
}

static void test_bce_with_logits_gradient(void **state) {
  (void)state;
  const nnlab_plugin_info *info = loss_plugin("bce_with_logits");
  static const float target[12] = {0,    1, 0.3f, 0.7f, 1,     0,
                                   0.5f, 1, 0,    1,    0.25f, 0};
  nnlab_targets float_targets = {.values = target};
  assert_gradcheck(info, NULL, wide_pred, &float_targets, 3, 4);
  static const int32_t classes[12] = {1, 0, 1, 0, 1, 1, 0, 0, 1, 0, 1, 1};
  nnlab_targets class_targets = {.classes = classes};
  assert_gradcheck(info, NULL, wide_pred, &class_targets, 12, 1);
}

static void test_cross_entropy_gradient(void **state) {
  (void)state;
  const nnlab_plugin_info *info = loss_plugin("cross_entropy");
  static const int32_t classes[3] = {3, 1, 0};
  nnlab_targets class_targets = {.classes = classes};
  /* Probabilities, one-hot, and a row not summing to 1 (torch accepts it). */
  static const float target[12] = {0.1f, 0.2f, 0.3f, 0.4f, 0,    1,
                                   0,    0,    0.5f, 0.5f, 0.5f, 0};
  nnlab_targets float_targets = {.values = target};
  for (int smoothing = 0; smoothing < 2; smoothing++) {
    nnlab_value *hp = smoothing ? hparams_with(info, "label_smoothing", "0.2")
                                : nnlab_hparams_new_defaults(info);
    assert_gradcheck(info, hp, wide_pred, &class_targets, 3, 4);
    assert_gradcheck(info, hp, wide_pred, &float_targets, 3, 4);
    g_free(hp);
  }
  /* Moderate logits where every softmax output matters. */
  /* No negative powers of two: gradcheck_loss's step below those crosses
   * into a coarser binade and rounds, costing ~3e-5 relative. */
  static const float moderate[10] = {0.5f,  -1.1f, 2,     0, 1e-3f,
                                     -2.3f, 3,     -0.6f, 1, -1e-3f};
  static const int32_t moderate_classes[2] = {2, 4};
  nnlab_targets moderate_targets = {.classes = moderate_classes};
  assert_gradcheck(info, NULL, moderate, &moderate_targets, 2, 5);
}

static void test_nll_gradient(void **state) {
  (void)state;
  static const int32_t classes[4] = {0, 2, 1, 2};
  nnlab_targets targets = {.classes = classes};
  assert_gradcheck(loss_plugin("nll"), NULL, wide_pred, &targets, 4, 3);
}

/* ---- Known values ---- */

static void test_mse_value(void **state) {
  (void)state;
  /* d = 1, 0, -2, 3: (1 + 0 + 4 + 9) / 4 = 3.5, gradient 2 d / 4. */
  static const float pred[4] = {1, 2, 3, 4}, target[4] = {0, 2, 5, 1};
  static const float expected_grad[4] = {0.5f, 0, -1, 1.5f};
  nnlab_targets targets = {.values = target};
  float grad[4];
  assert_near(compute(loss_plugin("mse"), NULL, pred, &targets, 2, 2, grad),
              3.5, 1e-15);
  for (int i = 0; i < 4; i++) assert_near(grad[i], expected_grad[i], 1e-7);
}

static void test_mae_value(void **state) {
  (void)state;
  /* |d| = 1, 0, 2, 3: 6 / 4 = 1.5; gradient sign(d) / 4, 0 at d = 0. */
  static const float pred[4] = {1, 2, 3, 4}, target[4] = {0, 2, 5, 1};
  static const float expected_grad[4] = {0.25f, 0, -0.25f, 0.25f};
  nnlab_targets targets = {.values = target};
  float grad[4];
  assert_near(compute(loss_plugin("mae"), NULL, pred, &targets, 2, 2, grad),
              1.5, 1e-15);
  for (int i = 0; i < 4; i++) assert_near(grad[i], expected_grad[i], 0);
}

static void test_huber_value(void **state) {
  (void)state;
  const nnlab_plugin_info *info = loss_plugin("huber");
  static const float pred[4] = {0.25f, 0, -2, 3}, target[4] = {0};
  nnlab_targets targets = {.values = target};
  float grad[5];
  /* delta 1: 0.5 * 0.25^2 = 0.03125, 0, 1 * (2 - 0.5) = 1.5,
   * 1 * (3 - 0.5) = 2.5; mean 4.03125 / 4. Gradient clip(d, 1) / 4. */
  nnlab_value *hp = nnlab_hparams_new_defaults(info);
  assert_near(hp[0].f, 1.0, 0);
  assert_near(compute(info, hp, pred, &targets, 1, 4, grad), 1.0078125, 1e-15);
  static const float grad_1[4] = {0.0625f, 0, -0.25f, 0.25f};
  for (int i = 0; i < 4; i++) assert_near(grad[i], grad_1[i], 1e-8);
  g_free(hp);
  /* delta 0.5: 0.03125, 0, 0.5 * (2 - 0.25) = 0.875,
   * 0.5 * (3 - 0.25) = 1.375; mean 2.28125 / 4. */
  hp = hparams_with(info, "delta", "0.5");
  assert_near(compute(info, hp, pred, &targets, 2, 2, grad), 0.5703125, 1e-15);
  static const float grad_half[4] = {0.0625f, 0, -0.125f, 0.125f};
  for (int i = 0; i < 4; i++) assert_near(grad[i], grad_half[i], 1e-8);
  g_free(hp);
  /* delta 0.5 at d = 0.5 (both pieces give 0.5 * delta^2 = 0.125) and
   * d = 0.75 (linear, 0.5 * (0.75 - 0.25) = 0.25); gradient 0.5 / 2 each. */
  static const float near_delta[2] = {0.5f, 0.75f};
  hp = hparams_with(info, "delta", "0.5");
  assert_near(compute(info, hp, near_delta, &targets, 1, 2, grad), 0.1875, 0);
  assert_near(grad[0], 0.25, 0);
  assert_near(grad[1], 0.25, 0);
  g_free(hp);
  /* delta 3: d = 0.25, -2 quadratic (0.03125, 2); d = 3, 4, -5 linear
   * (3 * 1.5, 3 * 2.5, 3 * 3.5); mean over 5. Gradient clip(d, 3) / 5. */
  static const float wide[5] = {0.25f, -2, 3, 4, -5};
  static const float zeros[5] = {0};
  nnlab_targets zero_targets = {.values = zeros};
  hp = hparams_with(info, "delta", "3");
  assert_near(compute(info, hp, wide, &zero_targets, 1, 5, grad),
              (0.03125 + 2 + 4.5 + 7.5 + 10.5) / 5, 1e-15);
  static const float grad_3[5] = {0.05f, -0.4f, 0.6f, 0.6f, -0.6f};
  for (int i = 0; i < 5; i++) assert_near(grad[i], grad_3[i], 1e-8);
  g_free(hp);
}

static void test_cross_entropy_uniform_logits(void **state) {
  (void)state;
  /* Equal logits give probability 1/K for every class: loss log K,
   * gradient (1/K - onehot) / rows. */
  static const float pred[12] = {0, 0, 0, 0, 7, 7, 7, 7, -3, -3, -3, -3};
  static const int32_t classes[3] = {0, 2, 3};
  nnlab_targets targets = {.classes = classes};
  float grad[12];
  assert_near(
      compute(loss_plugin("cross_entropy"), NULL, pred, &targets, 3, 4, grad),
      log(4.0), 1e-12);
  for (size_t r = 0; r < 3; r++)
    for (size_t c = 0; c < 4; c++)
      assert_near(grad[r * 4 + c],
                  (0.25 - ((int32_t)c == classes[r] ? 1.0 : 0.0)) / 3, 1e-8);
}

static void test_cross_entropy_value(void **state) {
  (void)state;
  /* Row [1, 2, 3] class 2: log(e + e^2 + e^3) - 3; row [0, -1, 1] class 1:
   * log(1 + e^-1 + e) + 1. */
  static const float pred[6] = {1, 2, 3, 0, -1, 1};
  static const int32_t classes[2] = {2, 1};
  nnlab_targets targets = {.classes = classes};
  double row0 = log(exp(1) + exp(2) + exp(3)) - 3;
  double row1 = log(1 + exp(-1) + exp(1)) + 1;
  float grad[6];
  assert_near(
      compute(loss_plugin("cross_entropy"), NULL, pred, &targets, 2, 3, grad),
      (row0 + row1) / 2, 1e-12);
  double z0 = exp(1) + exp(2) + exp(3);
  assert_near(grad[0], exp(1) / z0 / 2, 1e-8);
  assert_near(grad[2], (exp(3) / z0 - 1) / 2, 1e-8);
}

static void test_cross_entropy_one_hot_equals_classes(void **state) {
  (void)state;
  const nnlab_plugin_info *info = loss_plugin("cross_entropy");
  static const float pred[15] = {0.3f, -1.2f, 2.5f,  0,    -0.7f, 4,  1,   -3,
                                 0.1f, 2,     -0.5f, 0.5f, 0.25f, -2, 1.5f};
  static const int32_t classes[3] = {2, 0, 4};
  float one_hot[15] = {0};
  for (size_t r = 0; r < 3; r++) one_hot[r * 5 + (size_t)classes[r]] = 1;
  nnlab_targets class_targets = {.classes = classes};
  nnlab_targets float_targets = {.values = one_hot};
  for (int smoothing = 0; smoothing < 2; smoothing++) {
    nnlab_value *hp = smoothing ? hparams_with(info, "label_smoothing", "0.35")
                                : nnlab_hparams_new_defaults(info);
    float grad_classes[15], grad_values[15];
    double by_class =
        compute(info, hp, pred, &class_targets, 3, 5, grad_classes);
    double by_value =
        compute(info, hp, pred, &float_targets, 3, 5, grad_values);
    assert_near(by_value, by_class, 1e-14);
    for (int i = 0; i < 15; i++)
      assert_near(grad_values[i], grad_classes[i], 1e-8);
    g_free(hp);
  }
}

static void test_cross_entropy_label_smoothing(void **state) {
  (void)state;
  const nnlab_plugin_info *info = loss_plugin("cross_entropy");
  /* Logits [1, 2, 3], class 0, smoothing 0.3: target [0.8, 0.1, 0.1],
   * loss -(0.8 logp0 + 0.1 logp1 + 0.1 logp2) with logp_c = x_c - lse. */
  static const float pred[3] = {1, 2, 3};
  static const int32_t classes[1] = {0};
  nnlab_targets targets = {.classes = classes};
  double lse = log(exp(1) + exp(2) + exp(3));
  double expected = -(0.8 * (1 - lse) + 0.1 * (2 - lse) + 0.1 * (3 - lse));
  nnlab_value *hp = nnlab_hparams_new_defaults(info);
  assert_near(hp[0].f, 0.0, 0);
  g_free(hp);
  hp = hparams_with(info, "label_smoothing", "0.3");
  float grad[3];
  assert_near(compute(info, hp, pred, &targets, 1, 3, grad), expected, 1e-12);
  static const double t[3] = {0.8, 0.1, 0.1};
  for (int c = 0; c < 3; c++)
    assert_near(grad[c], exp(pred[c] - lse) - t[c], 1e-7);
  g_free(hp);
  /* Smoothing 1: the target is uniform whatever the class. */
  hp = hparams_with(info, "label_smoothing", "1");
  expected = -((1 - lse) + (2 - lse) + (3 - lse)) / 3;
  assert_near(compute(info, hp, pred, &targets, 1, 3, NULL), expected, 1e-12);
  g_free(hp);
}

static void test_nll_value(void **state) {
  (void)state;
  float pred[6] = {(float)log(0.2), (float)log(0.3), (float)log(0.5),
                   (float)log(0.7), (float)log(0.1), (float)log(0.2)};
  static const int32_t classes[2] = {2, 0};
  nnlab_targets targets = {.classes = classes};
  float grad[6];
  assert_near(compute(loss_plugin("nll"), NULL, pred, &targets, 2, 3, grad),
              -(log(0.5) + log(0.7)) / 2, 1e-7);
  static const float expected_grad[6] = {0, 0, -0.5f, -0.5f, 0, 0};
  for (int i = 0; i < 6; i++) assert_near(grad[i], expected_grad[i], 0);
}

static void test_binary_cross_entropy_value(void **state) {
  (void)state;
  const nnlab_plugin_info *info = loss_plugin("binary_cross_entropy");
  /* -(log(1 - 0.2) + log(0.9) + 0.3 log(0.6) + 0.7 log(0.4)) / 4;
   * gradient (p - t) / (p (1 - p)) / 4. */
  static const float pred[4] = {0.2f, 0.9f, 0.6f, 0.6f};
  static const float target[4] = {0, 1, 0.3f, 0.3f};
  nnlab_targets targets = {.values = target};
  double p[4], t[4], expected = 0;
  for (int i = 0; i < 4; i++) {
    p[i] = pred[i];
    t[i] = target[i];
    expected -= (t[i] * log(p[i]) + (1 - t[i]) * log(1 - p[i])) / 4;
  }
  float grad[4];
  assert_near(compute(info, NULL, pred, &targets, 2, 2, grad), expected, 1e-14);
  for (int i = 0; i < 4; i++)
    assert_near(grad[i], (p[i] - t[i]) / (p[i] * (1 - p[i])) / 4, 1e-7);

  /* Class targets on one output equal the same 0/1 float targets. */
  static const float single[4] = {0.2f, 0.9f, 0.35f, 0.01f};
  static const int32_t classes[4] = {0, 1, 1, 0};
  static const float class_values[4] = {0, 1, 1, 0};
  nnlab_targets class_targets = {.classes = classes};
  nnlab_targets value_targets = {.values = class_values};
  float grad_classes[4], grad_values[4];
  assert_near(compute(info, NULL, single, &class_targets, 4, 1, grad_classes),
              compute(info, NULL, single, &value_targets, 4, 1, grad_values),
              0);
  for (int i = 0; i < 4; i++) assert_near(grad_classes[i], grad_values[i], 0);
}

static void test_bce_with_logits_value(void **state) {
  (void)state;
  const nnlab_plugin_info *bce = loss_plugin("binary_cross_entropy");
  const nnlab_plugin_info *logits = loss_plugin("bce_with_logits");
  static const float x[8] = {-4, -1.5f, -0.2f, 0, 0.3f, 2, 4.5f, 1};
  static const float target[8] = {0, 1, 0.3f, 1, 0, 0.8f, 1, 0.5f};
  nnlab_targets targets = {.values = target};
  /* Naive formula on sigmoid in double (fine at moderate x). */
  double expected = 0;
  for (int i = 0; i < 8; i++) {
    double p = sigmoid(x[i]), t = target[i];
    expected -= (t * log(p) + (1 - t) * log(1 - p)) / 8;
  }
  float grad_logits[8];
  double by_logits = compute(logits, NULL, x, &targets, 2, 4, grad_logits);
  assert_near(by_logits, expected, 1e-13);
  /* Equals binary_cross_entropy of the float sigmoid, up to its rounding;
   * the gradients are related by dp/dx = p (1 - p). */
  float p[8], grad_probs[8];
  for (int i = 0; i < 8; i++) p[i] = (float)sigmoid(x[i]);
  assert_near(compute(bce, NULL, p, &targets, 2, 4, grad_probs), by_logits,
              1e-6);
  for (int i = 0; i < 8; i++) {
    assert_near(grad_logits[i], (sigmoid(x[i]) - target[i]) / 8, 1e-8);
    assert_near(grad_probs[i] * p[i] * (1 - p[i]), grad_logits[i], 1e-6);
  }
  /* Class targets on one output. */
  static const int32_t classes[8] = {0, 1, 0, 1, 0, 1, 1, 0};
  static const float class_values[8] = {0, 1, 0, 1, 0, 1, 1, 0};
  nnlab_targets class_targets = {.classes = classes};
  nnlab_targets value_targets = {.values = class_values};
  assert_near(compute(logits, NULL, x, &class_targets, 8, 1, NULL),
              compute(logits, NULL, x, &value_targets, 8, 1, NULL), 0);
}

/* ---- Extremes ---- */

static void test_cross_entropy_extremes(void **state) {
  (void)state;
  const nnlab_plugin_info *info = loss_plugin("cross_entropy");
  static const int32_t class0[1] = {0}, class1[1] = {1};
  nnlab_targets targets0 = {.classes = class0};
  nnlab_targets targets1 = {.classes = class1};
  float grad[2];
  static const float equal[2] = {1000, 1000};
  assert_near(compute(info, NULL, equal, &targets0, 1, 2, grad), log(2.0),
              1e-12);
  assert_near(grad[0], -0.5, 1e-7);
  assert_near(grad[1], 0.5, 1e-7);
  /* lse(1000, -1000) = 1000, so the loss is 1000 - (-1000). */
  static const float apart[2] = {1000, -1000};
  assert_near(compute(info, NULL, apart, &targets1, 1, 2, grad), 2000, 1e-9);
  assert_near(grad[0], 1, 1e-7);
  assert_near(grad[1], -1, 1e-7);
  assert_near(compute(info, NULL, apart, &targets0, 1, 2, grad), 0, 1e-12);
  /* Smoothing 0.5 makes the target [0.25, 0.75]; log_softmax is
   * [0, -2000], so the loss is 0.75 * 2000 and the gradient
   * [1, 0] - [0.25, 0.75]. */
  nnlab_value *hp = hparams_with(info, "label_smoothing", "0.5");
  assert_near(compute(info, hp, apart, &targets1, 1, 2, grad), 1500, 1e-9);
  assert_near(grad[0], 0.75, 1e-7);
  assert_near(grad[1], -0.75, 1e-7);
  g_free(hp);
  static const float negative[2] = {-1000, -1000};
  assert_near(compute(info, NULL, negative, &targets1, 1, 2, grad), log(2.0),
              1e-12);
}

static void test_binary_cross_entropy_extremes(void **state) {
  (void)state;
  const nnlab_plugin_info *info = loss_plugin("binary_cross_entropy");
  /* Each log is clamped at -100: p 0 with t 1 and p 1 with t 0 cost 100,
   * the other two 0; mean 50. */
  static const float pred[4] = {0, 1, 0, 1};
  static const float target[4] = {1, 0, 0, 1};
  nnlab_targets targets = {.values = target};
  float grad[4];
  assert_near(compute(info, NULL, pred, &targets, 2, 2, grad), 50, 1e-12);
  assert_true(grad[0] < -1e10f && grad[1] > 1e10f);
  assert_near(grad[2], 0.25, 1e-6);
  assert_near(grad[3], -0.25, 1e-6);
  static const int32_t classes[2] = {1, 0};
  nnlab_targets class_targets = {.classes = classes};
  assert_near(compute(info, NULL, pred, &class_targets, 2, 1, grad), 100,
              1e-12);
}

static void test_bce_with_logits_extremes(void **state) {
  (void)state;
  /* max(x, 0) - x t + log1p(exp(-|x|)) at x = +-1000: 1000, 1000, 0, 0.
   * Gradient sigmoid(x) - t: 1, -1, 0, 0; all divided by 4. */
  static const float pred[4] = {1000, -1000, 1000, -1000};
  static const float target[4] = {0, 1, 1, 0};
  nnlab_targets targets = {.values = target};
  float grad[4];
  assert_near(
      compute(loss_plugin("bce_with_logits"), NULL, pred, &targets, 1, 4, grad),
      500, 1e-12);
  static const float expected_grad[4] = {0.25f, -0.25f, 0, 0};
  for (int i = 0; i < 4; i++) assert_near(grad[i], expected_grad[i], 1e-12);
}

static void test_large_differences(void **state) {
  (void)state;
  /* Large but finite inputs give finite results. */
  static const float pred[4] = {1e6f, -1e6f, 3e5f, 0};
  static const float target[4] = {-1e6f, 1e6f, 0, 1};
  nnlab_targets targets = {.values = target};
  float grad[4];
  assert_near(compute(loss_plugin("mse"), NULL, pred, &targets, 1, 4, grad),
              (4e12 + 4e12 + 9e10 + 1) / 4, 1e-3);
  assert_near(compute(loss_plugin("mae"), NULL, pred, &targets, 1, 4, grad),
              (2e6 + 2e6 + 3e5 + 1) / 4, 1e-9);
  assert_near(compute(loss_plugin("huber"), NULL, pred, &targets, 1, 4, grad),
              (2e6 - 0.5 + 2e6 - 0.5 + 3e5 - 0.5 + 0.5) / 4, 1e-9);
  static const int32_t classes[2] = {0, 1};
  nnlab_targets class_targets = {.classes = classes};
  assert_near(
      compute(loss_plugin("nll"), NULL, pred, &class_targets, 2, 2, grad),
      (-1e6 - 0.0) / 2, 1e-9);
}

/* ---- Errors ---- */

static void test_class_out_of_range(void **state) {
  (void)state;
  static const float pred[4] = {0.5f, 0.25f, 0.5f, 0.75f};
  static const int32_t too_big[2] = {0, 2}, negative[2] = {-1, 0};
  nnlab_targets big = {.classes = too_big}, neg = {.classes = negative};
  assert_int_equal(status_of("cross_entropy", pred, &big, 2, 2),
                   NNLAB_STATUS_INVALID_ARGUMENT);
  assert_int_equal(status_of("cross_entropy", pred, &neg, 2, 2),
                   NNLAB_STATUS_INVALID_ARGUMENT);
  assert_int_equal(status_of("nll", pred, &big, 2, 2),
                   NNLAB_STATUS_INVALID_ARGUMENT);
  assert_int_equal(status_of("nll", pred, &neg, 2, 2),
                   NNLAB_STATUS_INVALID_ARGUMENT);
  /* Single-output binary losses take classes 0 and 1 only. */
  assert_int_equal(status_of("binary_cross_entropy", pred, &big, 2, 1),
                   NNLAB_STATUS_INVALID_ARGUMENT);
  assert_int_equal(status_of("binary_cross_entropy", pred, &neg, 2, 1),
                   NNLAB_STATUS_INVALID_ARGUMENT);
  assert_int_equal(status_of("bce_with_logits", pred, &big, 2, 1),
                   NNLAB_STATUS_INVALID_ARGUMENT);
  assert_int_equal(status_of("bce_with_logits", pred, &neg, 2, 1),
                   NNLAB_STATUS_INVALID_ARGUMENT);
}

static void test_missing_targets(void **state) {
  (void)state;
  static const float pred[4] = {0.5f, 0.25f, 0.5f, 0.75f};
  static const int32_t classes[2] = {0, 1};
  nnlab_targets none = {0};
  nnlab_targets classes_only = {.classes = classes};
  nnlab_targets values_only = {.values = pred};
  for (size_t i = 0; i < G_N_ELEMENTS(all_losses); i++) {
    assert_int_equal(status_of(all_losses[i], pred, NULL, 2, 2),
                     NNLAB_STATUS_UNSUPPORTED);
    assert_int_equal(status_of(all_losses[i], pred, &none, 2, 2),
                     NNLAB_STATUS_UNSUPPORTED);
  }
  static const char *const float_only[] = {"mse", "mae", "huber"};
  for (size_t i = 0; i < G_N_ELEMENTS(float_only); i++)
    assert_int_equal(status_of(float_only[i], pred, &classes_only, 2, 2),
                     NNLAB_STATUS_UNSUPPORTED);
  assert_int_equal(status_of("nll", pred, &values_only, 2, 2),
                   NNLAB_STATUS_UNSUPPORTED);
  /* Binary losses take class targets for one output only. */
  assert_int_equal(status_of("binary_cross_entropy", pred, &classes_only, 2, 2),
                   NNLAB_STATUS_UNSUPPORTED);
  assert_int_equal(status_of("bce_with_logits", pred, &classes_only, 2, 2),
                   NNLAB_STATUS_UNSUPPORTED);
}

static void test_bad_arguments(void **state) {
  (void)state;
  static const float pred[4] = {0.5f, 0.25f, 0.5f, 0.75f};
  static const int32_t classes[2] = {0, 1};
  nnlab_targets both = {.values = pred, .classes = classes};
  for (size_t i = 0; i < G_N_ELEMENTS(all_losses); i++) {
    assert_int_equal(status_of(all_losses[i], pred, &both, 0, 2),
                     NNLAB_STATUS_INVALID_ARGUMENT);
    assert_int_equal(status_of(all_losses[i], pred, &both, 2, 0),
                     NNLAB_STATUS_INVALID_ARGUMENT);
    assert_int_equal(status_of(all_losses[i], NULL, &both, 2, 2),
                     NNLAB_STATUS_INVALID_ARGUMENT);
  }
  /* Probabilities outside [0, 1]. */
  static const float above[2] = {0.5f, 1.5f}, below[2] = {-0.1f, 0.5f};
  assert_int_equal(status_of("binary_cross_entropy", above, &both, 1, 2),
                   NNLAB_STATUS_INVALID_ARGUMENT);
  assert_int_equal(status_of("binary_cross_entropy", below, &both, 1, 2),
                   NNLAB_STATUS_INVALID_ARGUMENT);
}

static void test_non_finite_input(void **state) {
  (void)state;
  float pred[4] = {0.5f, NAN, 0.5f, 0.75f};
  static const float target[4] = {0, 1, 1, 0};
  static const int32_t classes[2] = {1, 1}; /* nll reads pred[1] */
  nnlab_targets both = {.values = target, .classes = classes};
  for (size_t i = 0; i < G_N_ELEMENTS(all_losses); i++)
    assert_int_equal(status_of(all_losses[i], pred, &both, 2, 2),
                     NNLAB_STATUS_NUMERIC);
  pred[1] = INFINITY;
  assert_int_equal(status_of("mse", pred, &both, 2, 2), NNLAB_STATUS_NUMERIC);
  assert_int_equal(status_of("cross_entropy", pred, &both, 2, 2),
                   NNLAB_STATUS_NUMERIC);
}

static void test_float_targets_take_precedence(void **state) {
  (void)state;
  /* With both kinds given, the float values are used. */
  const nnlab_plugin_info *info = loss_plugin("cross_entropy");
  static const float pred[3] = {1, 2, 3};
  static const float one_hot_2[3] = {0, 0, 1};
  static const int32_t class0[1] = {0}, class2[1] = {2};
  nnlab_targets both = {.values = one_hot_2, .classes = class0};
  nnlab_targets classes = {.classes = class2};
  assert_near(compute(info, NULL, pred, &both, 1, 3, NULL),
              compute(info, NULL, pred, &classes, 1, 3, NULL), 1e-15);
}

/* ---- Hyperparameters ---- */

static void test_hyperparameter_ranges(void **state) {
  (void)state;
  const nnlab_plugin_info *huber = loss_plugin("huber");
  const nnlab_plugin_info *ce = loss_plugin("cross_entropy");
  nnlab_value *hp = nnlab_hparams_new_defaults(huber);
  GError *error = NULL;
  assert_true(nnlab_hparams_set(huber, hp, "delta", "0.5", &error));
  assert_near(hp[0].f, 0.5, 0);
  assert_false(nnlab_hparams_set(huber, hp, "delta", "0", &error));
  assert_non_null(error);
  g_clear_error(&error);
  assert_false(nnlab_hparams_set(huber, hp, "delta", "-1", &error));
  g_clear_error(&error);
  assert_true(nnlab_hparams_set(huber, hp, "delta", "1e-6", &error));
  g_free(hp);

  hp = nnlab_hparams_new_defaults(ce);
  assert_true(nnlab_hparams_set(ce, hp, "label_smoothing", "0", &error));
  assert_true(nnlab_hparams_set(ce, hp, "label_smoothing", "1", &error));
  assert_false(nnlab_hparams_set(ce, hp, "label_smoothing", "1.5", &error));
  g_clear_error(&error);
  assert_false(nnlab_hparams_set(ce, hp, "label_smoothing", "-0.1", &error));
  g_clear_error(&error);
  g_free(hp);

  /* The plugins themselves reject values the table forbids. */
  static const float pred[2] = {0.5f, 1};
  static const int32_t classes[1] = {0};
  nnlab_targets targets = {.values = pred, .classes = classes};
  double loss;
  nnlab_value bad = {.f = 0};
  assert_int_equal(huber->loss.compute(pred, &targets, 1, 2, &bad, &loss, NULL),
                   NNLAB_STATUS_INVALID_ARGUMENT);
  bad.f = 1.5;
  assert_int_equal(ce->loss.compute(pred, &targets, 1, 2, &bad, &loss, NULL),
                   NNLAB_STATUS_INVALID_ARGUMENT);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_descriptors),
      cmocka_unit_test(test_mse_gradient),
      cmocka_unit_test(test_mae_gradient),
      cmocka_unit_test(test_huber_gradient),
      cmocka_unit_test(test_binary_cross_entropy_gradient),
      cmocka_unit_test(test_bce_with_logits_gradient),
      cmocka_unit_test(test_cross_entropy_gradient),
      cmocka_unit_test(test_nll_gradient),
      cmocka_unit_test(test_mse_value),
      cmocka_unit_test(test_mae_value),
      cmocka_unit_test(test_huber_value),
      cmocka_unit_test(test_cross_entropy_uniform_logits),
      cmocka_unit_test(test_cross_entropy_value),
      cmocka_unit_test(test_cross_entropy_one_hot_equals_classes),
      cmocka_unit_test(test_cross_entropy_label_smoothing),
      cmocka_unit_test(test_nll_value),
      cmocka_unit_test(test_binary_cross_entropy_value),
      cmocka_unit_test(test_bce_with_logits_value),
      cmocka_unit_test(test_cross_entropy_extremes),
      cmocka_unit_test(test_binary_cross_entropy_extremes),
      cmocka_unit_test(test_bce_with_logits_extremes),
      cmocka_unit_test(test_large_differences),
      cmocka_unit_test(test_class_out_of_range),
      cmocka_unit_test(test_missing_targets),
      cmocka_unit_test(test_bad_arguments),
      cmocka_unit_test(test_non_finite_input),
      cmocka_unit_test(test_float_targets_take_precedence),
      cmocka_unit_test(test_hyperparameter_ranges),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
