/* Dense networks (nnlab/model.h): one flat parameter buffer and one for
 * gradients, initialization, standardization, and the forward and backward
 * passes on gemm.c with activations called through plugin_call.h. The
 * workspaces grow only when a batch is larger than any before; the model
 * knows no loss, optimizer or training loop. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <nnlab/model.h>

#include "base/alloc.h"
#include "model/divergence.h"
#include "compute/flat_vector.h"
#include "compute/gemm.h"
#include "plugins/plugin_call.h"

/* Rows per batch when predicting, to bound workspace memory. */
#define PREDICT_BATCH_ROWS 512

typedef struct dense_layer {
  size_t fan_in, units;
  size_t weight_offset, bias_offset; /* into params and grads */
  nnlab_component activation;
} dense_layer;

struct nnlab_model {
  size_t n_inputs, n_layers;
  dense_layer *layers;
  size_t n_params;
  float *params, *grads;
  float *mean, *std; /* standardization, or NULL */
  /* Workspaces for capacity rows: pre- and post-activation per layer, two
   * scratch buffers for the backward pass, one for standardized input. */
  size_t capacity;
  float **pre, **post;
  float *delta_out, *delta_in, *standardized;
  size_t rows; /* rows of the last forward pass */
};

static const char *const scheme_names[] = {
    [NNLAB_INIT_ZEROS] = "zeros",
    [NNLAB_INIT_UNIFORM] = "uniform",
    [NNLAB_INIT_NORMAL] = "normal",
    [NNLAB_INIT_XAVIER_UNIFORM] = "xavier_uniform",
    [NNLAB_INIT_XAVIER_NORMAL] = "xavier_normal",
    [NNLAB_INIT_HE_UNIFORM] = "he_uniform",
    [NNLAB_INIT_HE_NORMAL] = "he_normal",
};

gboolean nnlab_init_scheme_from_name(const char *name,
                                     nnlab_init_scheme *scheme) {
  g_autofree char *canonical = g_str_has_prefix(name, "kaiming_")
                                   ? g_strconcat("he_", name + 8, NULL)
                                   : g_strdup(name);
  for (size_t i = 0; i < G_N_ELEMENTS(scheme_names); i++) {
    if (strcmp(canonical, scheme_names[i]) == 0) {
      *scheme = (nnlab_init_scheme)i;
      return TRUE;
    }
  }
  return FALSE;
}

const char *nnlab_init_scheme_name(nnlab_init_scheme scheme) {
  return (size_t)scheme < G_N_ELEMENTS(scheme_names) ? scheme_names[scheme]
                                                     : NULL;
}

nnlab_model *nnlab_model_new_from_components(size_t n_inputs,
                                             const size_t *units,
                                             const nnlab_component *activations,
                                             size_t n_layers, GError **error) {
  if (n_inputs == 0 || n_layers == 0) {
    g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_INVALID,
                "a model needs at least one input and one layer");
    return NULL;
  }
  nnlab_model *model = g_new0(nnlab_model, 1);
  model->n_inputs = n_inputs;
  model->n_layers = n_layers;
  model->layers = g_new0(dense_layer, n_layers);
  size_t offset = 0, fan_in = n_inputs;
  for (size_t i = 0; i < n_layers; i++) {
    dense_layer *layer = &model->layers[i];
    size_t weights = 0, layer_size = 0, end = 0;
    if (units[i] == 0 || !g_size_checked_mul(&weights, fan_in, units[i]) ||
        !g_size_checked_add(&layer_size, weights, units[i]) ||
        !g_size_checked_add(&end, offset, layer_size)) {
      g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_INVALID,
                  "layer %zu: %zu units is not a valid size", i + 1, units[i]);
      model->n_layers = i;
      nnlab_model_free(model);
      return NULL;
    }
    layer->fan_in = fan_in;
    layer->units = units[i];
    layer->weight_offset = offset;
    layer->bias_offset = offset + weights;
    offset = end;
    nnlab_component_copy(&layer->activation, &activations[i]);
    fan_in = units[i];
  }
  model->n_params = offset;
  model->params = alloc_floats(offset, "model parameters", error);
  model->grads =
      model->params ? alloc_floats(offset, "model gradients", error) : NULL;
  if (!model->grads) {
    nnlab_model_free(model);
    return NULL;
  }
  model->pre = g_new0(float *, n_layers);
  model->post = g_new0(float *, n_layers);
  return model;
}

/* Parses "UNITS:ACTIVATION_SPEC". */
static gboolean parse_layer_spec(const nnlab_registry *registry,
                                 const char *spec, size_t *units,
                                 nnlab_component *activation, GError **error) {
  const char *colon = strchr(spec, ':');
  char *end = NULL;
  guint64 value = g_ascii_strtoull(spec, &end, 10);
  while (end && g_ascii_isspace(*end)) end++;
  if (!colon || end != colon || value == 0 || value > (1u << 24)) {
    g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_INVALID,
                "layer '%s': expected UNITS:ACTIVATION with UNITS a positive "
                "integer, e.g. 16:relu",
                spec);
    return FALSE;
  }
  *units = (size_t)value;
  return nnlab_component_resolve(registry, NNLAB_KIND_ACTIVATION, colon + 1,
                                 activation, error);
}

nnlab_model *nnlab_model_new(const nnlab_registry *registry, size_t n_inputs,
                             const char *const *layer_specs, GError **error) {
  size_t n_layers = layer_specs ? g_strv_length((char **)layer_specs) : 0;
  g_autofree size_t *units = g_new0(size_t, MAX(n_layers, 1));
  nnlab_component *activations = g_new0(nnlab_component, MAX(n_layers, 1));
  nnlab_model *model = NULL;
  size_t parsed = 0;
  for (; parsed < n_layers; parsed++)
    if (!parse_layer_spec(registry, layer_specs[parsed], &units[parsed],
                          &activations[parsed], error))
      break;
  if (parsed == n_layers)
    model = nnlab_model_new_from_components(n_inputs, units, activations,
                                            n_layers, error);
  for (size_t i = 0; i < parsed; i++) nnlab_component_clear(&activations[i]);
  g_free(activations);
  return model;
}

static void free_workspaces(nnlab_model *model) {
  for (size_t i = 0; i < model->n_layers; i++) {
    g_clear_pointer(&model->pre[i], alloc_free);
    g_clear_pointer(&model->post[i], alloc_free);
  }
  g_clear_pointer(&model->delta_out, alloc_free);
  g_clear_pointer(&model->delta_in, alloc_free);
  g_clear_pointer(&model->standardized, alloc_free);
  model->capacity = 0;
}

void nnlab_model_free(nnlab_model *model) {
  if (!model) return;
  if (model->pre) free_workspaces(model);
  for (size_t i = 0; i < model->n_layers; i++)
    nnlab_component_clear(&model->layers[i].activation);
  g_free(model->layers);
  g_free(model->pre);
  g_free(model->post);
  alloc_free(model->params);
  alloc_free(model->grads);
  alloc_free(model->mean);
  alloc_free(model->std);
  g_free(model);
}

size_t nnlab_model_n_inputs(const nnlab_model *model) {
  return model->n_inputs;
}

size_t nnlab_model_n_outputs(const nnlab_model *model) {
  return model->layers[model->n_layers - 1].units;
}

size_t nnlab_model_n_layers(const nnlab_model *model) {
  return model->n_layers;
}

size_t nnlab_model_layer_units(const nnlab_model *model, size_t layer) {
  return model->layers[layer].units;
}

const nnlab_component *nnlab_model_layer_activation(const nnlab_model *model,
                                                    size_t layer) {
  return &model->layers[layer].activation;
}

size_t nnlab_model_n_params(const nnlab_model *model) {
  return model->n_params;
}

float *nnlab_model_params(nnlab_model *model) {
  return model->params;
}

float *nnlab_model_grads(nnlab_model *model) {
  return model->grads;
}

float *nnlab_model_layer_weights(nnlab_model *model, size_t layer) {
  return model->params + model->layers[layer].weight_offset;
}

float *nnlab_model_layer_bias(nnlab_model *model, size_t layer) {
  return model->params + model->layers[layer].bias_offset;
}

void nnlab_model_init(nnlab_model *model, nnlab_init_scheme scheme,
                      double scale, nnlab_rng *rng) {
  memset(model->params, 0, model->n_params * sizeof(float));
  for (size_t l = 0; l < model->n_layers; l++) {
    const dense_layer *layer = &model->layers[l];
    float *w = model->params + layer->weight_offset;
    double fan_in = (double)layer->fan_in, fan_out = (double)layer->units;
    double bound = 0, std = 0;
    switch (scheme) {
      case NNLAB_INIT_ZEROS:
        continue;
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
    for (size_t i = 0; i < layer->fan_in * layer->units; i++)
      w[i] = bound > 0 ? (float)((2.0 * nnlab_rng_uniform(rng) - 1.0) * bound)
                       : (float)(nnlab_rng_normal(rng) * std);
  }
}

gboolean nnlab_model_set_standardization(nnlab_model *model, const float *mean,
                                         const float *std, GError **error) {
  /* Validate first: a rejected call leaves the model as it was. */
  for (size_t i = 0; mean && i < model->n_inputs; i++) {
    if (!isfinite(mean[i]) || !isfinite(std[i]) || std[i] <= 0) {
      g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_INVALID,
                  "standardization of feature %zu: mean %g, std %g (std must "
                  "be finite and positive)",
                  i, (double)mean[i], (double)std[i]);
      return FALSE;
    }
  }
  g_clear_pointer(&model->mean, alloc_free);
  g_clear_pointer(&model->std, alloc_free);
  if (!mean) return TRUE;
  model->mean = alloc_floats(model->n_inputs, "means", error);
  model->std =
      model->mean ? alloc_floats(model->n_inputs, "deviations", error) : NULL;
  if (!model->std) {
    g_clear_pointer(&model->mean, alloc_free);
    return FALSE;
  }
  memcpy(model->mean, mean, model->n_inputs * sizeof(float));
  memcpy(model->std, std, model->n_inputs * sizeof(float));
  return TRUE;
}

const float *nnlab_model_standardization_mean(const nnlab_model *model) {
  return model->mean;
}

const float *nnlab_model_standardization_std(const nnlab_model *model) {
  return model->std;
}

void nnlab_model_standardize(const nnlab_model *model, const float *x,
                             size_t rows, float *out) {
  size_t d = model->n_inputs;
  if (!model->mean) {
    memmove(out, x, rows * d * sizeof(float));
    return;
  }
  for (size_t r = 0; r < rows; r++)
    for (size_t j = 0; j < d; j++)
      out[r * d + j] = (x[r * d + j] - model->mean[j]) / model->std[j];
}

static size_t widest_layer(const nnlab_model *model) {
  size_t widest = model->n_inputs;
  for (size_t i = 0; i < model->n_layers; i++)
    widest = MAX(widest, model->layers[i].units);
  return widest;
}

/* Grows the workspaces to hold rows; allocates only when rows exceeds what
 * an earlier call needed. */
static gboolean ensure_capacity(nnlab_model *model, size_t rows,
                                GError **error) {
  if (rows <= model->capacity) return TRUE;
  free_workspaces(model);
  size_t widest = widest_layer(model), cells = 0;
  if (!g_size_checked_mul(&cells, rows, widest)) {
    g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_NO_MEMORY,
                "batch of %zu rows is too large", rows);
    return FALSE;
  }
  for (size_t i = 0; i < model->n_layers; i++) {
    size_t n = rows * model->layers[i].units;
    model->pre[i] = alloc_floats(n, "activations", error);
    model->post[i] =
        model->pre[i] ? alloc_floats(n, "activations", error) : NULL;
    if (!model->post[i]) {
      free_workspaces(model);
      return FALSE;
    }
  }
  model->delta_out = alloc_floats(cells, "gradient workspace", error);
  model->delta_in = model->delta_out
                        ? alloc_floats(cells, "gradient workspace", error)
                        : NULL;
  model->standardized = model->delta_in ? alloc_floats(rows * model->n_inputs,
                                                       "input workspace", error)
                                        : NULL;
  if (!model->standardized) {
    free_workspaces(model);
    return FALSE;
  }
  model->capacity = rows;
  return TRUE;
}

static gboolean plugin_failed(const nnlab_component *activation,
                              const char *stage, size_t layer,
                              nnlab_status status, GError **error) {
  g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_PLUGIN,
              "layer %zu: activation '%s' %s failed: %s", layer + 1,
              activation->info->name, stage, nnlab_status_message(status));
  return FALSE;
}

/* The forward pass; with origin (a replay, see divergence.c) it stops at
 * the first non-finite value and records where it came from. */
static const float *forward_pass(nnlab_model *model, const float *x,
                                 size_t rows, nonfinite_origin *origin,
                                 GError **error) {
  if (!ensure_capacity(model, rows, error)) return NULL;
  if (origin && !origin_check_arithmetic(origin, "input batch", 0, x,
                                         rows * model->n_inputs))
    return NULL;
  const float *input = x;
  for (size_t l = 0; l < model->n_layers; l++) {
    const dense_layer *layer = &model->layers[l];
    const float *w = model->params + layer->weight_offset;
    const float *b = model->params + layer->bias_offset;
    float *z = model->pre[l];
    size_t n = rows * layer->units;
    /* z = input * W + b, rows x units */
    for (size_t r = 0; r < rows; r++)
      vector_copy_floats(z + r * layer->units, b, layer->units);
    gemm_nn(rows, layer->units, layer->fan_in, input, w, 1.0f, z);
    if (origin &&
        !origin_check_arithmetic(origin, "matrix product", l + 1, z, n))
      return NULL;
    const nnlab_plugin_info *plugin = layer->activation.info;
    plugin_call_begin(plugin, PLUGIN_PHASE_FORWARD, l + 1);
    nnlab_status status = plugin->activation.forward(
        z, model->post[l], rows, layer->units, layer->activation.hparams);
    plugin_call_end();
    if (status != NNLAB_STATUS_OK) {
      plugin_failed(&layer->activation, "forward", l, status, error);
      return NULL;
    }
    if (origin && !origin_check_plugin(origin, plugin, PLUGIN_PHASE_FORWARD,
                                       l + 1, z, model->post[l], n))
      return NULL;
    input = model->post[l];
  }
  model->rows = rows;
  return input;
}

const float *nnlab_model_forward(nnlab_model *model, const float *x,
                                 size_t rows, GError **error) {
  return forward_pass(model, x, rows, NULL, error);
}

const float *model_forward_traced(nnlab_model *model, const float *x,
                                  size_t rows, nonfinite_origin *origin,
                                  GError **error) {
  return forward_pass(model, x, rows, origin, error);
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

/* The checks of a replayed backward pass after layer l's gradients: the
 * weight and bias gradients, then what goes down to the layer below. */
static gboolean gradients_finite(const nnlab_model *model, size_t l,
                                 size_t rows, nonfinite_origin *origin) {
  const dense_layer *layer = &model->layers[l];
  return origin_check_arithmetic(origin, "weight gradient", l + 1,
                                 model->grads + layer->weight_offset,
                                 layer->fan_in * layer->units + layer->units) &&
         (l == 0 ||
          origin_check_arithmetic(origin, "input gradient", l + 1,
                                  model->delta_in, rows * layer->fan_in));
}

static gboolean backward_pass(nnlab_model *model, const float *x,
                              const float *doutput, nonfinite_origin *origin,
                              GError **error) {
  size_t rows = model->rows;
  const float *upstream = doutput; /* dL/d(post) of the current layer */
  for (size_t l = model->n_layers; l-- > 0;) {
    const dense_layer *layer = &model->layers[l];
    const float *input = l ? model->post[l - 1] : x;
    float *dz = model->delta_out;
    const nnlab_plugin_info *plugin = layer->activation.info;
    plugin_call_begin(plugin, PLUGIN_PHASE_BACKWARD, l + 1);
    nnlab_status status = plugin->activation.backward(
        model->pre[l], model->post[l], upstream, dz, rows, layer->units,
        layer->activation.hparams);
    plugin_call_end();
    if (status != NNLAB_STATUS_OK)
      return plugin_failed(&layer->activation, "backward", l, status, error);
    if (origin &&
        !origin_check_plugin(origin, plugin, PLUGIN_PHASE_BACKWARD, l + 1,
                             model->pre[l], dz, rows * layer->units))
      return FALSE;
    /* dW = input^T * dz (fan_in x units); db = column sums of dz. */
    gemm_tn(layer->fan_in, layer->units, rows, input, dz, 0.0f,
            model->grads + layer->weight_offset);
    column_sums(dz, rows, layer->units, model->grads + layer->bias_offset);
    /* d(input) = dz * W^T (rows x fan_in) */
    if (l > 0)
      gemm_nt(rows, layer->fan_in, layer->units, dz,
              model->params + layer->weight_offset, 0.0f, model->delta_in);
    if (origin && !gradients_finite(model, l, rows, origin)) return FALSE;
    if (l == 0) break;
    /* The next layer down reads delta_in and writes its dz over the
     * now-consumed delta_out. */
    upstream = model->delta_in;
  }
  return TRUE;
}

gboolean nnlab_model_backward(nnlab_model *model, const float *x,
                              const float *doutput, GError **error) {
  return backward_pass(model, x, doutput, NULL, error);
}

gboolean model_backward_traced(nnlab_model *model, const float *x,
                               const float *doutput, nonfinite_origin *origin,
                               GError **error) {
  return backward_pass(model, x, doutput, origin, error);
}

gboolean nnlab_model_predict(nnlab_model *model, const float *x, size_t rows,
                             float *out, GError **error) {
  size_t d = model->n_inputs, k = nnlab_model_n_outputs(model);
  for (size_t start = 0; start < rows; start += PREDICT_BATCH_ROWS) {
    size_t n = MIN(PREDICT_BATCH_ROWS, rows - start);
    if (!ensure_capacity(model, n, error)) return FALSE;
    nnlab_model_standardize(model, x + start * d, n, model->standardized);
    const float *y = nnlab_model_forward(model, model->standardized, n, error);
    if (!y) return FALSE;
    memcpy(out + start * k, y, n * k * sizeof(float));
  }
  return TRUE;
}
