/* Feed-forward networks: a stack of dense layers, each followed by an
 * activation plugin. All parameters live in one flat buffer, and all
 * gradients in another laid out the same way: for each layer, its weights
 * (inputs x units, row-major) then its biases (units). */
#ifndef NNLAB_MODEL_H
#define NNLAB_MODEL_H

#include <nnlab/component.h>
#include <nnlab/rng.h>

G_BEGIN_DECLS

typedef struct nnlab_model nnlab_model;

typedef enum nnlab_init_scheme {
  NNLAB_INIT_ZEROS,
  NNLAB_INIT_UNIFORM,        /* U(-scale, scale) */
  NNLAB_INIT_NORMAL,         /* N(0, scale^2) */
  NNLAB_INIT_XAVIER_UNIFORM, /* U(-a, a), a = sqrt(6 / (fan_in + fan_out)) */
  NNLAB_INIT_XAVIER_NORMAL,  /* N(0, 2 / (fan_in + fan_out)) */
  NNLAB_INIT_HE_UNIFORM,     /* U(-a, a), a = sqrt(6 / fan_in) */
  NNLAB_INIT_HE_NORMAL,      /* N(0, 2 / fan_in) */
} nnlab_init_scheme;

/* "zeros", "uniform", "normal", "xavier_uniform", "xavier_normal",
 * "he_uniform", "he_normal" ("kaiming_*" is accepted as an alias). */
NNLAB_API gboolean nnlab_init_scheme_from_name(const char *name,
                                               nnlab_init_scheme *scheme);
NNLAB_API const char *nnlab_init_scheme_name(nnlab_init_scheme scheme);

/* layer_specs: NULL-terminated "UNITS:ACTIVATION", e.g. "16:relu",
 * "1:leaky_relu(negative_slope=0.1)". The last layer is the output. */
NNLAB_API nnlab_model *nnlab_model_new(const nnlab_registry *registry,
                                       size_t n_inputs,
                                       const char *const *layer_specs,
                                       GError **error);
/* layers: the network as a list, "dense(64), relu, dense(32), relu,
 * dense(10), softmax" as in a config's [model] layers (docs/config.md):
 * dense layers, each followed by its activation (the identity when none
 * follows); the last is the output layer. */
NNLAB_API nnlab_model *nnlab_model_new_from_layers(
    const nnlab_registry *registry, size_t n_inputs, const char *layers,
    GError **error);
/* The same from resolved parts; the components are copied. */
NNLAB_API nnlab_model *nnlab_model_new_from_components(
    size_t n_inputs, const size_t *units, const nnlab_component *activations,
    size_t n_layers, GError **error);
NNLAB_API void nnlab_model_free(nnlab_model *model);

NNLAB_API size_t nnlab_model_n_inputs(const nnlab_model *model);
NNLAB_API size_t nnlab_model_n_outputs(const nnlab_model *model);
NNLAB_API size_t nnlab_model_n_layers(const nnlab_model *model);
NNLAB_API size_t nnlab_model_layer_units(const nnlab_model *model,
                                         size_t layer);
NNLAB_API const nnlab_component *nnlab_model_layer_activation(
    const nnlab_model *model, size_t layer);
NNLAB_API size_t nnlab_model_n_params(const nnlab_model *model);
NNLAB_API float *nnlab_model_params(nnlab_model *model);
NNLAB_API float *nnlab_model_grads(nnlab_model *model);
/* Pointers into the flat buffers for one layer. */
NNLAB_API float *nnlab_model_layer_weights(nnlab_model *model, size_t layer);
NNLAB_API float *nnlab_model_layer_bias(nnlab_model *model, size_t layer);

/* Fills weights by the scheme from rng; biases become zero. */
NNLAB_API void nnlab_model_init(nnlab_model *model, nnlab_init_scheme scheme,
                                double scale, nnlab_rng *rng);

/* Feature standardization applied by nnlab_model_predict: x' = (x - mean) /
 * std per feature. Both arrays have n_inputs values; NULL clears it. */
NNLAB_API gboolean nnlab_model_set_standardization(nnlab_model *model,
                                                   const float *mean,
                                                   const float *std,
                                                   GError **error);
/* NULL when the model has none. */
NNLAB_API const float *nnlab_model_standardization_mean(
    const nnlab_model *model);
NNLAB_API const float *nnlab_model_standardization_std(
    const nnlab_model *model);
/* Writes standardized copies of rows x n_inputs features into out. */
NNLAB_API void nnlab_model_standardize(const nnlab_model *model, const float *x,
                                       size_t rows, float *out);

/* Forward pass over rows already-standardized inputs; returns the output
 * (rows x n_outputs), valid until the next call. NULL with an error if an
 * activation fails. The first call with a given number of rows sizes the
 * workspaces; later calls with no more rows allocate nothing. */
NNLAB_API const float *nnlab_model_forward(nnlab_model *model, const float *x,
                                           size_t rows, GError **error);
/* Backward pass after nnlab_model_forward on the same x: given dL/doutput
 * (rows x n_outputs), overwrites the gradient buffer with dL/dparams. */
NNLAB_API gboolean nnlab_model_backward(nnlab_model *model, const float *x,
                                        const float *doutput, GError **error);

/* Predictions for raw inputs (standardization applied), in batches;
 * out is rows x n_outputs. */
NNLAB_API gboolean nnlab_model_predict(nnlab_model *model, const float *x,
                                       size_t rows, float *out, GError **error);

G_END_DECLS

#endif
