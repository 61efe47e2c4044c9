/* The battery of nnlab plugins check at one hyperparameter setting, calling
 * the plugin directly and reporting to a check_sink. It neither isolates
 * the plugin (the scanner's process does) nor picks the settings
 * (plugin_check_sweep.c). */

/* For activations, finite outputs over -1000..1000, determinism, backward
 * against finite differences, in-place and elementwise claims, outputs
 * within what the plugin declares (probabilities in [0, 1]...); for losses
 * the same on predictions and targets; for optimizers, steps on a
 * quadratic bowl and splitting the vector into chunks. A failure's detail
 * says where: the input x, the derivatives compared, forward or backward. */
#include "plugins/plugin_check_battery.h"

#include <float.h>
#include <math.h>
#include <string.h>

#include <nnlab/hparams.h>

#define ROWS 3
#define COLS 12

/* Inputs across the range a network produces, extremes included. */
static const float sweep[COLS] = {-1000, -30,   -5,   -1.3f, -0.37f, -1e-3f,
                                  1e-3f, 0.37f, 1.3f, 5,     30,     1000};
/* Points away from the usual kinks (0, +-1) for finite differences. */
static const float smooth[COLS] = {-4.1f, -2.9f, -1.7f, -0.83f, -0.41f, -0.13f,
                                   0.13f, 0.41f, 0.83f, 1.7f,   2.9f,   4.1f};

static void fill_rows(float *x, const float *row) {
  for (size_t r = 0; r < ROWS; r++)
    for (size_t c = 0; c < COLS; c++)
      x[r * COLS + c] = row[(c + r) % COLS] * (1.0f + 0.1f * (float)r);
}

static float step_for(float v) {
  return ldexpf(1.0f, ilogbf(fmaxf(1e-3f, 1e-3f * fabsf(v))));
}

/* Passes or fails a named check; returns passed. */
static gboolean report(check_sink *sink, const char *name, gboolean passed,
                       const char *detail) {
  sink->result(sink, name, passed, detail);
  return passed;
}

void plugin_check_hparam_text(const nnlab_plugin_info *info, check_sink *sink) {
  const char *name = "hyperparameter defaults print and parse back";
  sink->begin(sink, name);
  g_autofree nnlab_value *values = nnlab_hparams_new_defaults(info);
  g_autofree nnlab_value *copy = nnlab_hparams_new_defaults(info);
  for (size_t i = 0; i < info->n_hparams; i++) {
    g_autoptr(GError) error = NULL;
    g_autofree char *text =
        nnlab_hparam_format_value(&info->hparams[i], &values[i]);
    if (!nnlab_hparams_set(info, copy, info->hparams[i].name, text, &error)) {
      report(sink, name, FALSE, error->message);
      return;
    }
  }
  report(sink, name, TRUE, NULL);
}

/* "forward gave nan at x=30", for the first non-finite output; NULL if
 * every output is finite. */
static char *first_nonfinite(const char *what, const float *out, const float *x,
                             size_t n) {
  for (size_t i = 0; i < n; i++)
    if (!isfinite(out[i]))
      return g_strdup_printf("%s gave %g at x=%g", what, (double)out[i],
                             (double)x[i]);
  return NULL;
}

/* Runs forward and backward on x; why either failed, or NULL if both gave
 * finite outputs. */
static char *activation_fault(const nnlab_activation_ops *ops, const float *x,
                              float *y, const float *dy, float *dx,
                              const nnlab_value *hp) {
  size_t n = ROWS * COLS;
  nnlab_status forward = ops->forward(x, y, ROWS, COLS, hp);
  nnlab_status backward = ops->backward(x, y, dy, dx, ROWS, COLS, hp);
  if (forward != NNLAB_STATUS_OK)
    return g_strdup_printf("forward returned an error: %s",
                           nnlab_status_message(forward));
  char *fault = first_nonfinite("forward", y, x, n);
  if (fault) return fault;
  if (backward != NNLAB_STATUS_OK)
    return g_strdup_printf("backward returned an error: %s",
                           nnlab_status_message(backward));
  return first_nonfinite("backward", dx, x, n);
}

/* Why the outputs y (of inputs x) contradict what the plugin declares
 * they are, or NULL: probabilities in [0, 1], log-probabilities <= 0,
 * decisions 0 or 1, a saturating unit within its bounds. */
static char *declared_output_fault(const nnlab_activation_properties *p,
                                   const float *x, const float *y, size_t n) {
  for (size_t i = 0; i < n; i++) {
    double v = y[i];
    gboolean bad =
        (p->output == NNLAB_OUTPUT_PROBABILITIES && !(v >= 0 && v <= 1)) ||
        (p->output == NNLAB_OUTPUT_LOG_PROBABILITIES && !(v <= 0)) ||
        (p->output == NNLAB_OUTPUT_DECISIONS && v != 0 && v != 1) ||
        (p->failure == NNLAB_UNIT_FAILURE_SATURATES &&
         !(v >= p->lower_bound && v <= p->upper_bound));
    if (bad)
      return g_strdup_printf(
          "forward gave %g at x=%g; it declares %s outputs%s", v, (double)x[i],
          nnlab_output_kind_name(p->output),
          p->failure == NNLAB_UNIT_FAILURE_SATURATES ? " within its bounds"
                                                     : "");
  }
  return NULL;
}

static void check_activation(const nnlab_plugin_info *info,
                             const nnlab_value *hp, check_sink *sink) {
  const nnlab_activation_ops *ops = &info->activation;
  size_t n = ROWS * COLS;
  float x[ROWS * COLS], y[ROWS * COLS], y2[ROWS * COLS], dy[ROWS * COLS],
      dx[ROWS * COLS], dx2[ROWS * COLS];
  for (size_t i = 0; i < n; i++) dy[i] = 0.5f + 0.25f * (float)(i % 5);

  const char *name = "forward and backward are finite from -1000 to 1000";
  sink->begin(sink, name);
  fill_rows(x, sweep);
  g_autofree char *fault = activation_fault(ops, x, y, dy, dx, hp);
  report(sink, name, fault == NULL, fault);

  name = "same input, same bits (deterministic)";
  sink->begin(sink, name);
  ops->forward(x, y2, ROWS, COLS, hp);
  ops->backward(x, y, dy, dx2, ROWS, COLS, hp);
  report(sink, name,
         memcmp(y, y2, sizeof y) == 0 && memcmp(dx, dx2, sizeof dx) == 0,
         "two calls gave different outputs");

  name = "backward matches finite differences";
  sink->begin(sink, name);
  fill_rows(x, smooth);
  ops->forward(x, y, ROWS, COLS, hp);
  ops->backward(x, y, dy, dx, ROWS, COLS, hp);
  double worst = 0;
  size_t worst_at = 0;
  double worst_numeric = 0;
  for (size_t i = 0; i < n; i++) {
    float saved = x[i], h = step_for(saved);
    double up = 0, down = 0, moved = 0;
    x[i] = saved + h;
    ops->forward(x, y2, ROWS, COLS, hp);
    for (size_t j = 0; j < n; j++) {
      up += (double)y2[j] * dy[j];
      if (y2[j] != y[j]) moved += fabs((double)y2[j]) * dy[j];
    }
    x[i] = saved - h;
    ops->forward(x, y2, ROWS, COLS, hp);
    for (size_t j = 0; j < n; j++) {
      down += (double)y2[j] * dy[j];
      if (y2[j] != y[j]) moved += fabs((double)y2[j]) * dy[j];
    }
    x[i] = saved;
    double numeric = (up - down) / (2.0 * h);
    /* Outputs that moved carry float rounding, a couple of units in their
     * last place, which the difference quotient magnifies by 1 / 2h: large
     * outputs (softplus with a small beta is about 693 / beta) need it. */
    double rounding = 2 * FLT_EPSILON * moved / (2.0 * h);
    double error = fabs(dx[i] - numeric) /
                   (1e-3 + 1e-2 * fmax(fabs(dx[i]), fabs(numeric)) + rounding);
    if (!(error <= worst)) {
      worst = isnan(error) ? INFINITY : error;
      worst_at = i;
      worst_numeric = numeric;
    }
  }
  g_autofree char *detail =
      g_strdup_printf("worst at x=%g: analytic %.6g, numeric %.6g",
                      (double)x[worst_at], (double)dx[worst_at], worst_numeric);
  report(sink, name, worst <= 1.0, detail);

  if (ops->flags & NNLAB_ACTIVATION_INPLACE_SAFE) {
    name = "in place gives the same result (as it claims)";
    sink->begin(sink, name);
    float inplace[ROWS * COLS], grad[ROWS * COLS];
    memcpy(inplace, x, sizeof x);
    ops->forward(inplace, inplace, ROWS, COLS, hp);
    memcpy(grad, dy, sizeof dy);
    ops->backward(x, y, grad, grad, ROWS, COLS, hp);
    report(
        sink, name,
        memcmp(inplace, y, sizeof y) == 0 && memcmp(grad, dx, sizeof dx) == 0,
        "aliased buffers changed the result");
  }
  if (!(ops->flags & NNLAB_ACTIVATION_ROWWISE)) {
    name = "elementwise: each row computed alone gives the same bits";
    sink->begin(sink, name);
    gboolean same = TRUE;
    for (size_t r = 0; r < ROWS; r++) {
      ops->forward(x + r * COLS, y2, 1, COLS, hp);
      same &= memcmp(y2, y + r * COLS, COLS * sizeof(float)) == 0;
    }
    report(sink, name, same,
           "a row's output depends on other rows (set "
           "NNLAB_ACTIVATION_ROWWISE?)");
  }
  const nnlab_activation_properties *p = &info->activation_properties;
  if (p->output > NNLAB_OUTPUT_VALUES ||
      p->failure == NNLAB_UNIT_FAILURE_SATURATES) {
    name = "outputs are what it declares, from -1000 to 1000";
    sink->begin(sink, name);
    fill_rows(x, sweep);
    ops->forward(x, y, ROWS, COLS, hp);
    g_autofree char *contradiction = declared_output_fault(p, x, y, n);
    report(sink, name, contradiction == NULL, contradiction);
  }
}

static void check_loss(const nnlab_plugin_info *info, const nnlab_value *hp,
                       check_sink *sink) {
  size_t n = ROWS * COLS;
  float pred[ROWS * COLS], grad[ROWS * COLS], values[ROWS * COLS];
  int32_t classes[ROWS] = {0, 5, COLS - 1};
  nnlab_targets targets = {NULL, NULL};
  if (info->loss.targets & NNLAB_LOSS_FLOAT_TARGETS) {
    for (size_t i = 0; i < n; i++) values[i] = (float)(i % 7) / 6.0f;
    targets.values = values;
  } else {
    targets.classes = classes;
  }
  const char *name = "loss and gradient are finite at the extremes";
  sink->begin(sink, name);
  /* A loss on probabilities refuses inputs outside [0, 1]: then feed it
   * probabilities. */
  fill_rows(pred, sweep);
  double loss = 0;
  gboolean probabilities =
      info->loss.compute(pred, &targets, ROWS, COLS, hp, &loss, NULL) ==
      NNLAB_STATUS_INVALID_ARGUMENT;
  if (probabilities)
    for (size_t i = 0; i < n; i++) pred[i] = pred[i] > 0 ? 1.0f : 0.0f;
  nnlab_status status =
      info->loss.compute(pred, &targets, ROWS, COLS, hp, &loss, grad);
  g_autofree char *fault = NULL;
  if (status != NNLAB_STATUS_OK)
    fault = g_strdup(nnlab_status_message(status));
  else if (!isfinite(loss))
    fault = g_strdup_printf("the loss is %g", loss);
  else
    fault = first_nonfinite("the gradient", grad, pred, n);
  report(sink, name, fault == NULL, fault);

  name = "gradient matches finite differences";
  sink->begin(sink, name);
  for (size_t i = 0; i < n; i++)
    pred[i] = probabilities ? 0.2f + 0.6f * (float)((i * 7) % 11) / 11.0f
                            : smooth[i % COLS] * 0.9f;
  info->loss.compute(pred, &targets, ROWS, COLS, hp, &loss, grad);
  double worst = 0, worst_numeric = 0;
  size_t worst_at = 0;
  for (size_t i = 0; i < n; i++) {
    float saved = pred[i], h = probabilities ? 1.0f / 1024 : step_for(saved);
    double up = 0, down = 0;
    pred[i] = saved + h;
    info->loss.compute(pred, &targets, ROWS, COLS, hp, &up, NULL);
    pred[i] = saved - h;
    info->loss.compute(pred, &targets, ROWS, COLS, hp, &down, NULL);
    pred[i] = saved;
    double numeric = (up - down) / (2.0 * h);
    double error = fabs(grad[i] - numeric) /
                   (1e-4 + 1e-2 * fmax(fabs(grad[i]), fabs(numeric)));
    if (!(error <= worst)) {
      worst = isnan(error) ? INFINITY : error;
      worst_at = i;
      worst_numeric = numeric;
    }
  }
  g_autofree char *detail = g_strdup_printf(
      "worst at x=%g (row %zu, column %zu): analytic %.6g, numeric %.6g",
      (double)pred[worst_at], worst_at / COLS, worst_at % COLS,
      (double)grad[worst_at], worst_numeric);
  report(sink, name, worst <= 1.0, detail);

  name = "same input, same bits (deterministic)";
  sink->begin(sink, name);
  float grad2[ROWS * COLS];
  double loss2 = 0;
  info->loss.compute(pred, &targets, ROWS, COLS, hp, &loss2, grad2);
  report(sink, name, loss == loss2 && memcmp(grad, grad2, sizeof grad) == 0,
         "two calls gave different results");

  if (targets.classes) {
    name = "a class index out of range is an error, not a crash";
    sink->begin(sink, name);
    int32_t bad[ROWS] = {0, COLS + 3, -1};
    nnlab_targets wrong = {NULL, bad};
    report(sink, name,
           info->loss.compute(pred, &wrong, ROWS, COLS, hp, &loss, grad) !=
               NNLAB_STATUS_OK,
           "returned OK");
  }
}

/* f(w) = sum c_i (w_i - 1)^2 / 2 over 64 parameters. */
static double quadratic(const float *w, float *grad, size_t n) {
  double f = 0;
  for (size_t i = 0; i < n; i++) {
    double c = 1.0 + (double)(i % 10), d = w[i] - 1.0;
    f += 0.5 * c * d * d;
    if (grad) grad[i] = (float)(c * d);
  }
  return f;
}

/* Takes steps on the bowl from w = 0; NULL if every step succeeded with
 * finite weights, else what went wrong and at which step. */
static char *descend(const nnlab_plugin_info *info, const nnlab_value *hp,
                     float *w, size_t n, uint64_t steps) {
  enum { N = 64 };
  float grad[N], before[N], memory[NNLAB_MAX_SLOTS][N];
  float *slots[NNLAB_MAX_SLOTS];
  memset(memory, 0, sizeof memory);
  for (size_t s = 0; s < NNLAB_MAX_SLOTS; s++) slots[s] = memory[s];
  for (uint64_t t = 1; t <= steps; t++) {
    quadratic(w, grad, n);
    memcpy(before, w, n * sizeof(float));
    nnlab_status status = info->optimizer.step(w, grad, slots, n, t, hp);
    if (status != NNLAB_STATUS_OK)
      return g_strdup_printf("step %" G_GUINT64_FORMAT " returned an error: %s",
                             t, nnlab_status_message(status));
    for (size_t i = 0; i < n; i++)
      if (!isfinite(w[i]))
        return g_strdup_printf("step %" G_GUINT64_FORMAT
                               " gave weight %zu = %g from w=%g, grad=%g",
                               t, i, (double)w[i], (double)before[i],
                               (double)grad[i]);
  }
  return NULL;
}

static void check_optimizer(const nnlab_plugin_info *info,
                            const nnlab_value *hp, gboolean swept,
                            check_sink *sink) {
  enum { N = 64, STEPS = 300 };
  float w[N] = {0};
  if (swept) {
    /* Away from the defaults many steps may rightly diverge (momentum
     * near 1, rho at 1); a few must not give NaN or an error. */
    const char *name = "three steps stay finite";
    sink->begin(sink, name);
    g_autofree char *fault = descend(info, hp, w, N, 3);
    report(sink, name, fault == NULL, fault);
  } else {
    const char *name = "steps on a quadratic bowl lower it and stay finite";
    sink->begin(sink, name);
    double start = quadratic(w, NULL, N);
    g_autofree char *fault = descend(info, hp, w, N, STEPS);
    double end = quadratic(w, NULL, N);
    if (!fault && !(end < start))
      fault = g_strdup_printf("f went from %.4g to %.4g in %d steps", start,
                              end, STEPS);
    report(sink, name, fault == NULL, fault);
  }

  float a[N], b[N], ga[N], slot_a[NNLAB_MAX_SLOTS][N],
      slot_b[NNLAB_MAX_SLOTS][N];
  float *pa[NNLAB_MAX_SLOTS], *pb[NNLAB_MAX_SLOTS], *pb2[NNLAB_MAX_SLOTS];
  memset(slot_a, 0, sizeof slot_a);
  memset(slot_b, 0, sizeof slot_b);
  const char *name = "elementwise: two chunks give the same bits as one call";
  sink->begin(sink, name);
  for (size_t i = 0; i < N; i++) a[i] = b[i] = 0.1f * (float)i - 2;
  for (size_t s = 0; s < NNLAB_MAX_SLOTS; s++) {
    pa[s] = slot_a[s];
    pb[s] = slot_b[s];
    pb2[s] = slot_b[s] + 23;
  }
  for (uint64_t t = 1; t <= 3; t++) {
    quadratic(a, ga, N);
    info->optimizer.step(a, ga, pa, N, t, hp);
    info->optimizer.step(b, ga, pb, 23, t, hp);
    info->optimizer.step(b + 23, ga + 23, pb2, N - 23, t, hp);
  }
  report(
      sink, name,
      memcmp(a, b, sizeof a) == 0 && memcmp(slot_a, slot_b, sizeof slot_a) == 0,
      "splitting the vector changed the update");
}

gboolean plugin_check_accepts(const nnlab_plugin_info *info,
                              const nnlab_value *hp) {
  float x[COLS], y[COLS], w[COLS] = {0}, g[COLS];
  float slot_memory[NNLAB_MAX_SLOTS][COLS];
  float *slots[NNLAB_MAX_SLOTS];
  for (size_t s = 0; s < NNLAB_MAX_SLOTS; s++) slots[s] = slot_memory[s];
  memset(slot_memory, 0, sizeof slot_memory);
  /* In (0, 1): predictions that losses on logits and on probabilities
   * both take. */
  for (size_t i = 0; i < COLS; i++) x[i] = 0.1f + 0.05f * (float)i;
  const nnlab_value *values = info->n_hparams ? hp : NULL;
  nnlab_status status = NNLAB_STATUS_OK;
  switch (info->kind) {
    case NNLAB_KIND_ACTIVATION:
      status = info->activation.forward(x, y, 1, COLS, values);
      break;
    case NNLAB_KIND_LOSS: {
      int32_t classes[1] = {1};
      nnlab_targets targets = {
          info->loss.targets & NNLAB_LOSS_FLOAT_TARGETS ? x : NULL,
          info->loss.targets & NNLAB_LOSS_FLOAT_TARGETS ? NULL : classes};
      double loss = 0;
      status = info->loss.compute(x, &targets, 1, COLS, values, &loss, y);
      break;
    }
    case NNLAB_KIND_OPTIMIZER:
      quadratic(w, g, COLS);
      status = info->optimizer.step(w, g, slots, COLS, 1, values);
      break;
  }
  return status != NNLAB_STATUS_INVALID_ARGUMENT;
}

void plugin_check_setting(const nnlab_plugin_info *info, const nnlab_value *hp,
                          gboolean swept, check_sink *sink) {
  const nnlab_value *values = info->n_hparams ? hp : NULL;
  switch (info->kind) {
    case NNLAB_KIND_ACTIVATION:
      check_activation(info, values, sink);
      break;
    case NNLAB_KIND_LOSS:
      check_loss(info, values, sink);
      break;
    case NNLAB_KIND_OPTIMIZER:
      check_optimizer(info, values, swept, sink);
      break;
  }
}
