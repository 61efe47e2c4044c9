/* Dense networks (nnlab/model.h) as a stack of layers (model/layer.h): the
 * flat parameter and gradient buffers, initialization, standardization, and
 * the passes through the stack, each call recorded and, in a replay,
 * checked. The workspaces grow only when a batch is larger than any before;
 * the model knows no loss, optimizer or training loop. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <nnlab/model.h>

#include "base/alloc.h"
#include "model/divergence.h"
#include "model/layer.h"
#include "model/layer_list.h"
#include "plugins/plugin_call.h"

/* Rows per batch when predicting, to bound workspace memory. */
#define PREDICT_BATCH_ROWS 512

/* Each public layer i (nnlab/model.h) is two in the stack: the dense layer
 * STACK_PER_LAYER * i, then its activation. */
#define STACK_PER_LAYER 2

typedef struct stack_layer {
  const layer_ops *ops;
  nnlab_component component; /* info NULL for a built-in; hparams owned */
  layer_ctx ctx;
  size_t param_offset, n_params; /* its slice of params and grads */
  size_t number; /* 1-based public layer, as messages and traces name it */
} stack_layer;

struct nnlab_model {
  size_t n_inputs, n_layers; /* n_layers public ones */
  stack_layer *stack;
  size_t depth, built; /* layers in the stack, and how many are set up */
  size_t n_params;
  float *params, *grads;
  float *mean, *std; /* standardization, or NULL */
  /* Workspaces for capacity rows: each layer's output, two buffers the
   * backward pass passes gradients down in, one for standardized input. */
  size_t capacity;
  float **outputs;
  float *delta[2], *standardized;
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

/* Sets up the next layer of the stack on top of the last, taking over
 * component; FALSE when its parameters do not fit in a size_t. */
static gboolean stack_push(nnlab_model *model, const layer_ops *ops,
                           nnlab_component component, size_t number) {
  stack_layer *layer = &model->stack[model->built];
  const layer_shape *in =
      model->built ? &model->stack[model->built - 1].ctx.out
                   : &(layer_shape){.rank = 1, .dims = {model->n_inputs}};
  *layer = (stack_layer){.ops = ops,
                         .component = component,
                         .param_offset = model->n_params,
                         .number = number};
  model->built++;
  layer->ctx = (layer_ctx){
      .plugin = component.info, .hparams = component.hparams, .in = *in};
  ops->output_shape(component.hparams, in, &layer->ctx.out);
  return ops->n_params(component.hparams, in, &layer->n_params) &&
         g_size_checked_add(&model->n_params, model->n_params, layer->n_params);
}

/* A dense layer of units and the activation after it, as public layer i. */
static gboolean stack_push_dense(nnlab_model *model, size_t units,
                                 const nnlab_component *activation, size_t i) {
  nnlab_component dense = {.hparams =
                               g_new0(nnlab_value, LAYER_DENSE_N_HPARAMS)};
  dense.hparams[LAYER_DENSE_UNITS].i = (int64_t)units;
  if (!stack_push(model, &layer_dense_ops, dense, i + 1)) return FALSE;
  nnlab_component copy;
  nnlab_component_copy(&copy, activation);
  return stack_push(model, &layer_activation_ops, copy, i + 1);
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
  model->depth = STACK_PER_LAYER * n_layers;
  model->stack = g_new0(stack_layer, model->depth);
  model->outputs = g_new0(float *, model->depth);
  for (size_t i = 0; i < n_layers; i++) {
    if (units[i] == 0 ||
        !stack_push_dense(model, units[i], &activations[i], i)) {
      g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_INVALID,
                  "layer %zu: %zu units is not a valid size", i + 1, units[i]);
      nnlab_model_free(model);
      return NULL;
    }
  }
  model->params = alloc_floats(model->n_params, "model parameters", error);
  model->grads = model->params
                     ? alloc_floats(model->n_params, "model gradients", error)
                     : NULL;
  if (!model->grads) {
    nnlab_model_free(model);
    return NULL;
  }
  for (size_t k = 0; k < model->depth; k++) {
    stack_layer *layer = &model->stack[k];
    if (layer->n_params)
      layer->ctx.params = model->params + layer->param_offset;
  }
  return model;
}

nnlab_model *nnlab_model_new_from_layers(const nnlab_registry *registry,
                                         size_t n_inputs, const char *layers,
                                         GError **error) {
  g_return_val_if_fail(registry != NULL && layers != NULL, NULL);
  layer_list list;
  if (!layer_list_parse(registry, layers, &list, error)) {
    g_prefix_error(error, "layers: ");
    return NULL;
  }
  nnlab_model *model = nnlab_model_new_from_components(
      n_inputs, list.units, list.activations, list.n_dense, error);
  layer_list_clear(&list);
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
  for (size_t k = 0; k < model->depth; k++)
    g_clear_pointer(&model->outputs[k], alloc_free);
  g_clear_pointer(&model->delta[0], alloc_free);
  g_clear_pointer(&model->delta[1], alloc_free);
  g_clear_pointer(&model->standardized, alloc_free);
  model->capacity = 0;
}

void nnlab_model_free(nnlab_model *model) {
  if (!model) return;
  free_workspaces(model);
  for (size_t k = 0; k < model->built; k++)
    nnlab_component_clear(&model->stack[k].component);
  g_free(model->stack);
  g_free(model->outputs);
  alloc_free(model->params);
  alloc_free(model->grads);
  alloc_free(model->mean);
  alloc_free(model->std);
  g_free(model);
}

/* Public layer i's dense layer; its activation is the next in the stack. */
static const stack_layer *dense_of(const nnlab_model *model, size_t i) {
  return &model->stack[STACK_PER_LAYER * i];
}

size_t nnlab_model_n_inputs(const nnlab_model *model) {
  return model->n_inputs;
}

size_t nnlab_model_n_outputs(const nnlab_model *model) {
  return layer_shape_size(&model->stack[model->depth - 1].ctx.out);
}

size_t nnlab_model_n_layers(const nnlab_model *model) {
  return model->n_layers;
}

size_t nnlab_model_layer_units(const nnlab_model *model, size_t layer) {
  return layer_shape_size(&dense_of(model, layer)->ctx.out);
}

const nnlab_component *nnlab_model_layer_activation(const nnlab_model *model,
                                                    size_t layer) {
  return &dense_of(model, layer)[1].component;
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
  return model->params + dense_of(model, layer)->param_offset;
}

/* The bias is the last units of a dense layer's parameters. */
float *nnlab_model_layer_bias(nnlab_model *model, size_t layer) {
  const stack_layer *dense = dense_of(model, layer);
  return model->params + dense->param_offset + dense->n_params -
         layer_shape_size(&dense->ctx.out);
}

void nnlab_model_init(nnlab_model *model, nnlab_init_scheme scheme,
                      double scale, nnlab_rng *rng) {
  memset(model->params, 0, model->n_params * sizeof(float));
  for (size_t k = 0; k < model->depth; k++) {
    const stack_layer *layer = &model->stack[k];
    if (layer->ops->init)
      layer->ops->init(&layer->ctx, model->params + layer->param_offset, scheme,
                       scale, rng);
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

/* The most values a sample has between two layers. */
static size_t widest_layer(const nnlab_model *model) {
  size_t widest = model->n_inputs;
  for (size_t k = 0; k < model->depth; k++)
    widest = MAX(widest, layer_shape_size(&model->stack[k].ctx.out));
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
  for (size_t k = 0; k < model->depth; k++) {
    size_t n = rows * layer_shape_size(&model->stack[k].ctx.out);
    model->outputs[k] = alloc_floats(n, "activations", error);
    if (!model->outputs[k]) {
      free_workspaces(model);
      return FALSE;
    }
  }
  model->delta[0] = alloc_floats(cells, "gradient workspace", error);
  model->delta[1] =
      model->delta[0] ? alloc_floats(cells, "gradient workspace", error) : NULL;
  model->standardized = model->delta[1] ? alloc_floats(rows * model->n_inputs,
                                                       "input workspace", error)
                                        : NULL;
  if (!model->standardized) {
    free_workspaces(model);
    return FALSE;
  }
  model->capacity = rows;
  return TRUE;
}

/* Built-in layers do not fail; a plugin's failure is reported by name. */
static gboolean layer_failed(const stack_layer *layer, const char *stage,
                             nnlab_status status, GError **error) {
  const nnlab_plugin_info *plugin = layer->ctx.plugin;
  g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_PLUGIN,
              "layer %zu: %s '%s' %s failed: %s", layer->number,
              nnlab_kind_name(plugin->kind), plugin->name, stage,
              nnlab_status_message(status));
  return FALSE;
}

/* The checks of a replay after a layer's forward call: a plugin's output
 * against its input element by element, a built-in's as its arithmetic. */
static gboolean forward_finite(const stack_layer *layer, const float *in,
                               const float *out, size_t rows,
                               nonfinite_origin *origin) {
  size_t n = rows * layer_shape_size(&layer->ctx.out);
  if (layer->ctx.plugin)
    return origin_check_plugin(origin, layer->ctx.plugin, PLUGIN_PHASE_FORWARD,
                               layer->number, in, out, n);
  return origin_check_arithmetic(origin, layer->ops->operation, layer->number,
                                 out, n);
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
  for (size_t k = 0; k < model->depth; k++) {
    const stack_layer *layer = &model->stack[k];
    float *out = model->outputs[k];
    /* A built-in's NULL plugin marks no plugin call. */
    plugin_call_begin(layer->ctx.plugin, PLUGIN_PHASE_FORWARD, layer->number);
    nnlab_status status = layer->ops->forward(&layer->ctx, input, out, rows);
    plugin_call_end();
    if (status != NNLAB_STATUS_OK) {
      layer_failed(layer, "forward", status, error);
      return NULL;
    }
    if (origin && !forward_finite(layer, input, out, rows, origin)) return NULL;
    input = out;
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

/* The checks of a replayed backward pass after a layer's call: a plugin's
 * input gradient against its input; a built-in's parameter gradients, then
 * what goes down to the layer below. */
static gboolean backward_finite(const nnlab_model *model,
                                const stack_layer *layer, const float *in,
                                const float *din, size_t rows,
                                nonfinite_origin *origin) {
  size_t n = rows * layer_shape_size(&layer->ctx.in);
  if (layer->ctx.plugin)
    return origin_check_plugin(origin, layer->ctx.plugin, PLUGIN_PHASE_BACKWARD,
                               layer->number, in, din, n);
  return origin_check_arithmetic(origin, "weight gradient", layer->number,
                                 model->grads + layer->param_offset,
                                 layer->n_params) &&
         (!din || origin_check_arithmetic(origin, "input gradient",
                                          layer->number, din, n));
}

static gboolean backward_pass(nnlab_model *model, const float *x,
                              const float *doutput, nonfinite_origin *origin,
                              GError **error) {
  size_t rows = model->rows;
  const float *dout = doutput; /* dL/d(out) of the current layer */
  for (size_t k = model->depth; k-- > 0;) {
    const stack_layer *layer = &model->stack[k];
    const float *in = k ? model->outputs[k - 1] : x;
    /* Gradients go down alternating between the two buffers, so a layer
     * writes over the one the layer above has read. */
    float *din = k ? model->delta[(model->depth - 1 - k) % 2] : NULL;
    plugin_call_begin(layer->ctx.plugin, PLUGIN_PHASE_BACKWARD, layer->number);
    nnlab_status status =
        layer->ops->backward(&layer->ctx, in, model->outputs[k], dout, din,
                             model->grads + layer->param_offset, rows);
    plugin_call_end();
    if (status != NNLAB_STATUS_OK)
      return layer_failed(layer, "backward", status, error);
    if (origin && !backward_finite(model, layer, in, din, rows, origin))
      return FALSE;
    dout = din;
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
