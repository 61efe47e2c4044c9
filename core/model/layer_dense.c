/* The dense layer (model/layer.h): z = x W + b over a batch on compute/gemm.h,
 * its gradients, and its initialization. It computes into the buffers it is
 * given: it allocates nothing and knows nothing of the stack around it. */
#include <math.h>
#include <string.h>

#include "model/layer.h"
#include "compute/flat_vector.h"
#include "compute/gemm.h"

static size_t dense_units(const nnlab_value *hparams) {
  return (size_t)hparams[LAYER_DENSE_UNITS].i;
}

static void dense_output_shape(const nnlab_value *hparams,
                               const layer_shape *in, layer_shape *out) {
  (void)in;
  *out = (layer_shape){.rank = 1, .dims = {dense_units(hparams)}};
}

static gboolean dense_n_params(const nnlab_value *hparams,
                               const layer_shape *in, size_t *n) {
  size_t units = dense_units(hparams), weights = 0;
  return g_size_checked_mul(&weights, layer_shape_size(in), units) &&
         g_size_checked_add(n, weights, units);
}

/* The weights by the scheme; the biases stay zero. */
static void dense_init(const layer_ctx *ctx, float *params,
                       nnlab_init_scheme scheme, double scale, nnlab_rng *rng) {
  size_t inputs = layer_shape_size(&ctx->in);
  size_t units = layer_shape_size(&ctx->out);
  double fan_in = (double)inputs, fan_out = (double)units;
  double bound = 0, std = 0;
  switch (scheme) {
    case NNLAB_INIT_ZEROS:
      return;
    case NNLAB_INIT_UNIFORM:
      bound = scale;
      break;
    case NNLAB_INIT_NORMAL:
      std = scale;
      break;
    case NNLAB_INIT_XAVIER_UNIFORM:
      bound = sqrt(6.0 / (fan_in + fan_out));
      break;
    case NNLAB_INIT_XAVIER_NORMAL:
      std = sqrt(2.0 / (fan_in + fan_out));
      break;
    case NNLAB_INIT_HE_UNIFORM:
      bound = sqrt(6.0 / fan_in);
      break;
    case NNLAB_INIT_HE_NORMAL:
      std = sqrt(2.0 / fan_in);
      break;
  }
  for (size_t i = 0; i < inputs * units; i++)
    params[i] = bound > 0
                    ? (float)((2.0 * nnlab_rng_uniform(rng) - 1.0) * bound)
                    : (float)(nnlab_rng_normal(rng) * std);
}

static nnlab_status dense_forward(const layer_ctx *ctx, const float *in,
                                  float *out, size_t rows) {
  size_t inputs = layer_shape_size(&ctx->in);
  size_t units = layer_shape_size(&ctx->out);
  const float *w = ctx->params, *b = ctx->params + inputs * units;
  /* out = in * W + b, rows x units */
  for (size_t r = 0; r < rows; r++)
    vector_copy_floats(out + r * units, b, units);
  gemm_nn(rows, units, inputs, in, w, 1.0f, out);
  return NNLAB_STATUS_OK;
}

/* sums[j] = x[0][j] + x[1][j] + ... in that order (x: rows x cols), kept
 * in registers 16 columns at a time rather than added up in memory. */
static void column_sums(const float *x, size_t rows, size_t cols, float *sums) {
  enum { BLOCK = 16 };
  size_t j = 0;
  for (; j + BLOCK <= cols; j += BLOCK) {
    float acc[BLOCK] = {0};
    for (size_t r = 0; r < rows; r++)
      for (size_t q = 0; q < BLOCK; q++) acc[q] += x[r * cols + j + q];
    memcpy(sums + j, acc, sizeof acc);
  }
  for (; j < cols; j++) {
    float acc = 0;
    for (size_t r = 0; r < rows; r++) acc += x[r * cols + j];
    sums[j] = acc;
  }
}

static nnlab_status dense_backward(const layer_ctx *ctx, const float *in,
                                   const float *out, const float *dout,
                                   float *din, float *grads, size_t rows) {
  (void)out;
  size_t inputs = layer_shape_size(&ctx->in);
  size_t units = layer_shape_size(&ctx->out);
  /* dW = in^T * dout (inputs x units); db = column sums of dout. */
  gemm_tn(inputs, units, rows, in, dout, 0.0f, grads);
  column_sums(dout, rows, units, grads + inputs * units);
  /* d(in) = dout * W^T (rows x inputs) */
  if (din) gemm_nt(rows, inputs, units, dout, ctx->params, 0.0f, din);
  return NNLAB_STATUS_OK;
}

const layer_ops layer_dense_ops = {
    .operation = "matrix product",
    .output_shape = dense_output_shape,
    .n_params = dense_n_params,
    .init = dense_init,
    .forward = dense_forward,
    .backward = dense_backward,
};
