#include "plugin_check_battery.h"

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

static gboolean finite_all(const float *v, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (!isfinite(v[i])) return FALSE;
  return TRUE;
}

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

static void check_hparams(const nnlab_plugin_info *info, check_sink *sink) {
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
  gboolean ok = ops->forward(x, y, ROWS, COLS, hp) == NNLAB_STATUS_OK &&
                ops->backward(x, y, dy, dx, ROWS, COLS, hp) == NNLAB_STATUS_OK;
  report(sink, name, ok && finite_all(y, n) && finite_all(dx, n),
         ok ? "a NaN or Inf came out" : "a call returned an error status");

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
    double up = 0, down = 0;
    x[i] = saved + h;
    ops->forward(x, y2, ROWS, COLS, hp);
    for (size_t j = 0; j < n; j++) up += (double)y2[j] * dy[j];
    x[i] = saved - h;
    ops->forward(x, y2, ROWS, COLS, hp);
    for (size_t j = 0; j < n; j++) down += (double)y2[j] * dy[j];
    x[i] = saved;
    double numeric = (up - down) / (2.0 * h);
    double error = fabs(dx[i] - numeric) /
                   (1e-3 + 1e-2 * fmax(fabs(dx[i]), fabs(numeric)));
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
  report(sink, name,
         status == NNLAB_STATUS_OK && isfinite(loss) && finite_all(grad, n),
         status == NNLAB_STATUS_OK ? "a NaN or Inf came out"
                                   : nnlab_status_message(status));

  name = "gradient matches finite differences";
  sink->begin(sink, name);
  for (size_t i = 0; i < n; i++)
    pred[i] = probabilities ? 0.2f + 0.6f * (float)((i * 7) % 11) / 11.0f
                            : smooth[i % COLS] * 0.9f;
  info->loss.compute(pred, &targets, ROWS, COLS, hp, &loss, grad);
  double worst = 0;
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
    worst = isnan(error) ? INFINITY : fmax(worst, error);
  }
  g_autofree char *detail =
      g_strdup_printf("worst error %.3g of the tolerance", worst);
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

static void check_optimizer(const nnlab_plugin_info *info,
                            const nnlab_value *hp, check_sink *sink) {
  enum { N = 64, STEPS = 300 };
  size_t n_slots = 0;
  while (n_slots < NNLAB_MAX_SLOTS && info->optimizer.slot_names[n_slots])
    n_slots++;
  float w[N] = {0}, grad[N], memory[NNLAB_MAX_SLOTS][N];
  float *slots[NNLAB_MAX_SLOTS];
  memset(memory, 0, sizeof memory);
  for (size_t s = 0; s < NNLAB_MAX_SLOTS; s++) slots[s] = memory[s];

  const char *name = "steps on a quadratic bowl lower it and stay finite";
  sink->begin(sink, name);
  double start = quadratic(w, grad, N);
  nnlab_status status = NNLAB_STATUS_OK;
  for (uint64_t t = 1; t <= STEPS && status == NNLAB_STATUS_OK; t++) {
    quadratic(w, grad, N);
    status = info->optimizer.step(w, grad, slots, N, t, hp);
  }
  double end = quadratic(w, NULL, N);
  g_autofree char *detail =
      g_strdup_printf("f went from %.4g to %.4g in %d steps with the defaults",
                      start, end, STEPS);
  report(sink, name,
         status == NNLAB_STATUS_OK && finite_all(w, N) && end < start,
         status == NNLAB_STATUS_OK ? detail : nnlab_status_message(status));

  name = "elementwise: two chunks give the same bits as one call";
  sink->begin(sink, name);
  float a[N], b[N], ga[N], slot_a[NNLAB_MAX_SLOTS][N],
      slot_b[NNLAB_MAX_SLOTS][N];
  float *pa[NNLAB_MAX_SLOTS], *pb[NNLAB_MAX_SLOTS], *pb2[NNLAB_MAX_SLOTS];
  memset(slot_a, 0, sizeof slot_a);
  memset(slot_b, 0, sizeof slot_b);
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

void plugin_check_battery(const nnlab_plugin_info *info, check_sink *sink) {
  check_hparams(info, sink);
  g_autofree nnlab_value *hp = nnlab_hparams_new_defaults(info);
  const nnlab_value *values = info->n_hparams ? hp : NULL;
  switch (info->kind) {
    case NNLAB_KIND_ACTIVATION:
      check_activation(info, values, sink);
      break;
    case NNLAB_KIND_LOSS:
      check_loss(info, values, sink);
      break;
    case NNLAB_KIND_OPTIMIZER:
      check_optimizer(info, values, sink);
      break;
  }
}
