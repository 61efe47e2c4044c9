/* SiLU kernels, shared by the silu and swish plugins: the same function
 * under its two names. y = x * sigmoid(x), by the host's vector math. */
#ifndef NNLAB_SILU_H
#define NNLAB_SILU_H

#include <nnlab/plugin.h>

/* Elements per pass through a stack buffer. */
#define SILU_CHUNK 256

/* x, y: rows x cols. */
static nnlab_status silu_forward(const float *x, float *y, size_t rows,
                                 size_t cols, const nnlab_value *hp) {
  (void)hp;
  size_t n = rows * cols;
  for (size_t start = 0; start < n; start += SILU_CHUNK) {
    size_t m = n - start < SILU_CHUNK ? n - start : SILU_CHUNK;
    float s[SILU_CHUNK];
    nnlab_vec_sigmoid(x + start, s, m);
    for (size_t i = 0; i < m; i++) y[start + i] = x[start + i] * s[i];
  }
  return NNLAB_STATUS_OK;
}

/* dx = dy * s (1 + x (1 - s)) with s = sigmoid(x). */
static nnlab_status silu_backward(const float *x, const float *y,
                                  const float *dy, float *dx, size_t rows,
                                  size_t cols, const nnlab_value *hp) {
  (void)y, (void)hp;
  size_t n = rows * cols;
  for (size_t start = 0; start < n; start += SILU_CHUNK) {
    size_t m = n - start < SILU_CHUNK ? n - start : SILU_CHUNK;
    float s[SILU_CHUNK];
    nnlab_vec_sigmoid(x + start, s, m);
    for (size_t i = 0; i < m; i++) {
      float v = x[start + i];
      dx[start + i] = dy[start + i] * s[i] * (1.0f + v * (1.0f - s[i]));
    }
  }
  return NNLAB_STATUS_OK;
}

#endif
