/* Finite-difference checks of plugin gradients, shared by the tests
 * (gradcheck.h): central differences against an activation's backward or
 * a loss's gradient. It does not fail the test itself: it returns false
 * and says why in message. */
#include "gradcheck.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Step for element value v: relative for large values, and a power of two
 * so that v + h and v - h are exact in float. */
static float step_for(float v) {
  return ldexpf(1.0f, ilogbf(fmaxf(1e-3f, 1e-3f * fabsf(v))));
}

static double weighted_sum(const float *y, const float *w, size_t n) {
  double s = 0;
  for (size_t i = 0; i < n; i++) s += (double)y[i] * w[i];
  return s;
}

static bool close_enough(double a, double b, double atol, double rtol) {
  if (!isfinite(a) || !isfinite(b)) return false;
  return fabs(a - b) <= atol + rtol * fmax(fabs(a), fabs(b));
}

bool all_finite(const float *values, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (!isfinite(values[i])) return false;
  return true;
}

bool gradcheck_activation(const nnlab_plugin_info *info, const nnlab_value *hp,
                          const float *x, size_t rows, size_t cols, double atol,
                          double rtol, char *message, size_t message_size) {
  size_t n = rows * cols;
  float *xp = malloc(n * sizeof *xp), *y = malloc(n * sizeof *y);
  float *dy = malloc(n * sizeof *dy), *dx = malloc(n * sizeof *dx);
  bool ok = true;
  memcpy(xp, x, n * sizeof *xp);
  for (size_t i = 0; i < n; i++) dy[i] = 0.5f + 0.25f * (float)(i % 5);
  if (info->activation.forward(x, y, rows, cols, hp) != NNLAB_STATUS_OK ||
      info->activation.backward(x, y, dy, dx, rows, cols, hp) !=
          NNLAB_STATUS_OK) {
    snprintf(message, message_size, "%s: forward or backward failed",
             info->name);
    ok = false;
  }
  for (size_t i = 0; ok && i < n; i++) {
    float h = step_for(x[i]);
    xp[i] = x[i] + h;
    info->activation.forward(xp, y, rows, cols, hp);
    double up = weighted_sum(y, dy, n);
    xp[i] = x[i] - h;
    info->activation.forward(xp, y, rows, cols, hp);
    double down = weighted_sum(y, dy, n);
    xp[i] = x[i];
    double numeric = (up - down) / (2.0 * h);
    if (!close_enough(dx[i], numeric, atol, rtol)) {
      snprintf(message, message_size,
               "%s: element %zu at x=%g: analytic %.9g, numeric %.9g",
               info->name, i, (double)x[i], (double)dx[i], numeric);
      ok = false;
    }
  }
  free(xp);
  free(y);
  free(dy);
  free(dx);
  return ok;
}

bool gradcheck_loss(const nnlab_plugin_info *info, const nnlab_value *hp,
                    const float *pred, const nnlab_targets *targets,
                    size_t rows, size_t cols, double atol, double rtol,
                    char *message, size_t message_size) {
  size_t n = rows * cols;
  float *p = malloc(n * sizeof *p), *grad = malloc(n * sizeof *grad);
  double loss = 0;
  bool ok = true;
  memcpy(p, pred, n * sizeof *p);
  if (info->loss.compute(pred, targets, rows, cols, hp, &loss, grad) !=
      NNLAB_STATUS_OK) {
    snprintf(message, message_size, "%s: compute failed", info->name);
    ok = false;
  }
  for (size_t i = 0; ok && i < n; i++) {
    float h = step_for(pred[i]);
    double up = 0, down = 0;
    p[i] = pred[i] + h;
    info->loss.compute(p, targets, rows, cols, hp, &up, NULL);
    p[i] = pred[i] - h;
    info->loss.compute(p, targets, rows, cols, hp, &down, NULL);
    p[i] = pred[i];
    double numeric = (up - down) / (2.0 * h);
    if (!close_enough(grad[i], numeric, atol, rtol)) {
      snprintf(message, message_size,
               "%s: element %zu at pred=%g: analytic %.9g, numeric %.9g",
               info->name, i, (double)pred[i], (double)grad[i], numeric);
      ok = false;
    }
  }
  free(p);
  free(grad);
  return ok;
}
