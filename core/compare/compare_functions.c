/* Test functions with a known minimum, their values and exact gradients.
 * No optimizer runs here: compare_function_runs.c runs one on them. */

/* The functions:
 *   rosenbrock     (1 - x)^2 + 100 (y - x^2)^2, minimum (1, 1)
 *   beale          (1.5 - x + xy)^2 + (2.25 - x + xy^2)^2
 *                  + (2.625 - x + xy^3)^2, minimum (3, 0.5)
 *   bowl           (u^2 + condition v^2) / 2 with (u, v) the point rotated
 *                  by angle, minimum (0, 0)
 *   quadratic_deep DeepOBS's noisy quadratic: theta^T Q theta / 2 with Q's
 *                  eigenvalues 90% from U(0, 1) and 10% from U(30, 60) in
 *                  a random basis, both drawn from problem_seed; each step
 *                  sees the gradient Q (theta - m), m the mean of a batch
 *                  of N(0, I) samples, so the noise shrinks with the batch
 *                  size (batch_size = full: the exact gradient). theta
 *                  starts at (1, ..., 1). */
#include <math.h>
#include <string.h>

#include "compare/compare_functions.h"
#include "compare/compare_internal.h"

static const double default_starts[][2] = {
    [COMPARE_ROSENBROCK] = {-1.2, 1.0},
    [COMPARE_BEALE] = {1.0, 1.5},
    [COMPARE_BOWL] = {-4.0, 3.0},
    [COMPARE_QUADRATIC_DEEP] = {1.0, 1.0},
};

void compare_function_default_start(compare_function *f) {
  f->start[0] = default_starts[f->kind][0];
  f->start[1] = default_starts[f->kind][1];
}

void compare_function_window(const compare_function *f, double domain[4],
                             double minimum[2]) {
  static const double windows[][4] = {
      [COMPARE_ROSENBROCK] = {-2, 2, -1, 3},
      [COMPARE_BEALE] = {-1, 4.5, -1.5, 2},
      [COMPARE_BOWL] = {-5, 5, -5, 5},
      [COMPARE_QUADRATIC_DEEP] = {0, 0, 0, 0},
  };
  static const double minima[][2] = {
      [COMPARE_ROSENBROCK] = {1, 1},
      [COMPARE_BEALE] = {3, 0.5},
      [COMPARE_BOWL] = {0, 0},
      [COMPARE_QUADRATIC_DEEP] = {0, 0},
  };
  memcpy(domain, windows[f->kind], 4 * sizeof(double));
  memcpy(minimum, minima[f->kind], 2 * sizeof(double));
  /* Widen the window to show a start outside it, with a margin. */
  for (int axis = 0; axis < 2; axis++) {
    double lo = domain[2 * axis], hi = domain[2 * axis + 1];
    double margin = 0.1 * (hi - lo), s = f->start[axis];
    if (s < lo + margin) domain[2 * axis] = s - margin;
    if (s > hi - margin) domain[2 * axis + 1] = s + margin;
  }
}

/* Q = R diag(l) R^T, R orthonormalized from a Gaussian matrix. */
void compare_function_setup(compare_function *f) {
  if (f->kind != COMPARE_QUADRATIC_DEEP) return;
  size_t n = f->dim;
  nnlab_rng rng;
  nnlab_rng_seed(&rng, f->problem_seed);
  g_autofree double *eigen = g_new(double, n);
  size_t small = n - n / 10;
  for (size_t i = 0; i < n; i++)
    eigen[i] =
        i < small ? nnlab_rng_uniform(&rng) : 30 + 30 * nnlab_rng_uniform(&rng);
  g_autofree double *basis = g_new(double, n *n); /* rows orthonormal */
  for (size_t i = 0; i < n * n; i++) basis[i] = nnlab_rng_normal(&rng);
  for (size_t i = 0; i < n; i++) {
    double *row = basis + i * n;
    for (int pass = 0; pass < 2; pass++) /* twice is enough */
      for (size_t j = 0; j < i; j++) {
        const double *other = basis + j * n;
        double dot = 0;
        for (size_t k = 0; k < n; k++) dot += row[k] * other[k];
        for (size_t k = 0; k < n; k++) row[k] -= dot * other[k];
      }
    double norm = 0;
    for (size_t k = 0; k < n; k++) norm += row[k] * row[k];
    norm = sqrt(norm);
    for (size_t k = 0; k < n; k++) row[k] /= norm;
  }
  f->hessian = g_new0(double, n *n);
  for (size_t e = 0; e < n; e++) {
    const double *v = basis + e * n;
    for (size_t i = 0; i < n; i++)
      for (size_t j = 0; j < n; j++)
        f->hessian[i * n + j] += eigen[e] * v[i] * v[j];
  }
}

void compare_function_clear(compare_function *f) {
  g_clear_pointer(&f->hessian, g_free);
}

static void matvec(const double *m, const double *x, size_t n, double *out) {
  for (size_t i = 0; i < n; i++) {
    double sum = 0;
    for (size_t j = 0; j < n; j++) sum += m[i * n + j] * x[j];
    out[i] = sum;
  }
}

/* The bowl's point in its own axes. */
static void bowl_axes(const compare_function *f, const double *x, double *u,
                      double *v) {
  double a = f->angle * G_PI / 180;
  *u = cos(a) * x[0] + sin(a) * x[1];
  *v = -sin(a) * x[0] + cos(a) * x[1];
}

double compare_function_eval(const compare_function *f, const double *x) {
  switch (f->kind) {
    case COMPARE_ROSENBROCK: {
      double a = 1 - x[0], b = x[1] - x[0] * x[0];
      return a * a + 100 * b * b;
    }
    case COMPARE_BEALE: {
      double x0 = x[0], y = x[1];
      double a = 1.5 - x0 + x0 * y, b = 2.25 - x0 + x0 * y * y,
             c = 2.625 - x0 + x0 * y * y * y;
      return a * a + b * b + c * c;
    }
    case COMPARE_BOWL: {
      double u, v;
      bowl_axes(f, x, &u, &v);
      return 0.5 * (u * u + f->condition * v * v);
    }
    case COMPARE_QUADRATIC_DEEP: {
      g_autofree double *qx = g_new(double, f->dim);
      matvec(f->hessian, x, f->dim, qx);
      double sum = 0;
      for (size_t i = 0; i < f->dim; i++) sum += x[i] * qx[i];
      return 0.5 * sum;
    }
  }
  return NAN;
}

void compare_function_gradient(const compare_function *f, const double *x,
                               double *g) {
  switch (f->kind) {
    case COMPARE_ROSENBROCK: {
      double b = x[1] - x[0] * x[0];
      g[0] = -2 * (1 - x[0]) - 400 * x[0] * b;
      g[1] = 200 * b;
      return;
    }
    case COMPARE_BEALE: {
      double x0 = x[0], y = x[1];
      double a = 1.5 - x0 + x0 * y, b = 2.25 - x0 + x0 * y * y,
             c = 2.625 - x0 + x0 * y * y * y;
      g[0] = 2 * a * (y - 1) + 2 * b * (y * y - 1) + 2 * c * (y * y * y - 1);
      g[1] = 2 * a * x0 + 4 * b * x0 * y + 6 * c * x0 * y * y;
      return;
    }
    case COMPARE_BOWL: {
      double u, v, a = f->angle * G_PI / 180;
      bowl_axes(f, x, &u, &v);
      double du = u, dv = f->condition * v;
      g[0] = cos(a) * du - sin(a) * dv;
      g[1] = sin(a) * du + cos(a) * dv;
      return;
    }
    case COMPARE_QUADRATIC_DEEP:
      matvec(f->hessian, x, f->dim, g);
      return;
  }
}

double nnlab_compare_function_value(const nnlab_compare *c, double x,
                                    double y) {
  if (c->kind != NNLAB_COMPARE_FUNCTION_2D) return NAN;
  const double point[2] = {x, y};
  return compare_function_eval(&c->priv->function, point);
}
