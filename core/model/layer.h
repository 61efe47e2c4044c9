/* A layer of the model's stack (model.c): what it computes, behind a table of
 * functions, so that dense layers and activations sit in one stack and
 * later layer kinds (issue 15: layers as plugins) can join them. The
 * functions compute only: model.c owns the buffers, the plugin-call record,
 * error messages and the divergence checks around each call.
 *
 * Shapes are per sample; a batch of rows samples is rows x size values,
 * row-major. Parameters and their gradients are slices of the model's one
 * flat parameter vector and one flat gradient vector. */
#ifndef NNLAB_LAYER_H
#define NNLAB_LAYER_H

#include <nnlab/component.h>
#include <nnlab/model.h>

enum { LAYER_MAX_RANK = 3 };

/* One sample's shape: a vector (rank 1) up to C x H x W (rank 3). */
typedef struct layer_shape {
  size_t rank;
  size_t dims[LAYER_MAX_RANK];
} layer_shape;

static inline size_t layer_shape_size(const layer_shape *shape) {
  size_t size = 1;
  for (size_t i = 0; i < shape->rank; i++) size *= shape->dims[i];
  return size;
}

/* What a layer's functions see of their layer, fixed when the model is
 * built. */
typedef struct layer_ctx {
  const nnlab_plugin_info *plugin; /* the plugin it calls, NULL: built-in */
  const nnlab_value *hparams;
  layer_shape in, out;
  const float *params; /* its slice of the flat vector, NULL without any */
} layer_ctx;

typedef struct layer_ops {
  /* What a built-in's forward arithmetic is called when a replay finds
   * the first NaN or Inf in its output ("matrix product"); a plugin's
   * layer is named by its plugin instead. */
  const char *operation;
  void (*output_shape)(const nnlab_value *hparams, const layer_shape *in,
                       layer_shape *out);
  /* FALSE when the count does not fit in a size_t. */
  gboolean (*n_params)(const nnlab_value *hparams, const layer_shape *in,
                       size_t *n);
  /* Fills params (all zeros before) by the scheme, drawing from rng;
   * NULL for a layer without parameters. */
  void (*init)(const layer_ctx *ctx, float *params, nnlab_init_scheme scheme,
               double scale, nnlab_rng *rng);
  /* out = f(in) for rows samples. */
  nnlab_status (*forward)(const layer_ctx *ctx, const float *in, float *out,
                          size_t rows);
  /* From dout = dL/d(out), after forward on the same in: overwrites grads
   * (its slice of the gradient vector) with dL/d(params), and din with
   * dL/d(in) unless din is NULL (the first layer: nothing below needs
   * it; model.c makes that a dense layer). */
  nnlab_status (*backward)(const layer_ctx *ctx, const float *in,
                           const float *out, const float *dout, float *din,
                           float *grads, size_t rows);
} layer_ops;

/* z = x W + b; hparams[LAYER_DENSE_UNITS].i is the number of units. Its
 * parameters are W (inputs x units, row-major), then b (units). */
enum { LAYER_DENSE_UNITS, LAYER_DENSE_N_HPARAMS };
extern const layer_ops layer_dense_ops;
/* y = f(x) by an activation plugin, elementwise or row by row. */
extern const layer_ops layer_activation_ops;

#endif
