/* SiLU kernels, shared by the silu and swish plugins: the same function
 * under its two names. y = x * sigmoid(x). */
#ifndef NNLAB_SILU_H
#define NNLAB_SILU_H

#include <math.h>

#include <nnlab/plugin.h>

/* 1 / (1 + e^-x) without overflow: e^t is only evaluated for t <= 0. */
static double silu_sigmoid(double x) {
  if (x >= 0) return 1.0 / (1.0 + exp(-x));
  double e = exp(x);
  return e / (1.0 + e);
}

/* x, y: rows x cols. */
static nnlab_status silu_forward(const float *x, float *y, size_t rows,
                                 size_t cols, const nnlab_value *hp) {
  (void)hp;
  for (size_t i = 0; i < rows * cols; i++) {
    double v = x[i];
    y[i] = (float)(v * silu_sigmoid(v));
  }
  return NNLAB_STATUS_OK;
}

/* dx = dy * s (1 + x (1 - s)) with s = sigmoid(x). */
static nnlab_status silu_backward(const float *x, const float *y,
                                  const float *dy, float *dx, size_t rows,
                                  size_t cols, const nnlab_value *hp) {
  (void)y, (void)hp;
  for (size_t i = 0; i < rows * cols; i++) {
    double v = x[i], s = silu_sigmoid(v);
    dx[i] = (float)(dy[i] * s * (1.0 + v * (1.0 - s)));
  }
  return NNLAB_STATUS_OK;
}

#endif
