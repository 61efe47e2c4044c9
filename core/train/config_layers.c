/* The network's shape in a run config: [model] layers, "dense(64), relu,
 * dense(10)" (model/layer_list.c), read into the same hidden sizes,
 * activations and outputs as the hidden/activation shorthand, so that both
 * build the same model bit for bit; and the cap on its parameters. */
#include <string.h>

#include <nnlab/common.h>

#include "model/layer_list.h"
#include "train/config_internal.h"

/* The model's other keys, which layers replaces. */
static const char *const shorthand_keys[] = {"hidden", "activation",
                                             "output_activation", "outputs"};

#define MAX_PARAMETERS (1u << 28) /* 1 GiB of float32 weights */

/* The sum stops once past the cap, so it cannot overflow. */
gboolean config_check_parameters(const nnlab_run_config *c, size_t n_inputs,
                                 size_t n_outputs, GError **error) {
  guint64 total = 0, fan_in = n_inputs;
  for (size_t i = 0; i <= c->n_hidden && total <= MAX_PARAMETERS; i++) {
    size_t units = i < c->n_hidden ? c->hidden_units[i] : n_outputs;
    total += (fan_in + 1) * units;
    fan_in = units;
  }
  if (total <= MAX_PARAMETERS) return TRUE;
  g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_INVALID,
              "%s: the network would have more than %u parameters "
              "(1 GiB of float32 weights), the limit",
              c->hidden_location, MAX_PARAMETERS);
  return FALSE;
}

gboolean config_read_layers(const ini_reader *r, const nnlab_registry *registry,
                            nnlab_run_config *c, GError **error) {
  for (size_t i = 0; i < G_N_ELEMENTS(shorthand_keys); i++)
    if (g_key_file_has_key(r->file, "model", shorthand_keys[i], NULL))
      return ini_fail(r, "model", shorthand_keys[i], error,
                      "%s: give the model as layers or as hidden, "
                      "activation, output_activation and outputs, not both",
                      shorthand_keys[i]);
  g_autofree char *text = NULL;
  layer_list list;
  if (!ini_get_string(r, "model", "layers", "", &text, error)) return FALSE;
  if (!layer_list_parse(registry, text, &list, error)) {
    g_prefix_error(error, "layers: ");
    return ini_locate(r, "model", "layers", error);
  }
  /* The shorthand's fields, the components handed over. */
  c->n_hidden = list.n_dense - 1;
  c->hidden_units = g_new0(size_t, MAX(c->n_hidden, 1));
  c->hidden_activations = g_new0(nnlab_component, MAX(c->n_hidden, 1));
  memcpy(c->hidden_units, list.units, c->n_hidden * sizeof(size_t));
  memcpy(c->hidden_activations, list.activations,
         c->n_hidden * sizeof(nnlab_component));
  c->n_outputs = list.units[c->n_hidden];
  c->output_activation = list.activations[c->n_hidden];
  g_free(list.units);
  g_free(list.activations);
  g_autofree char *location = ini_where(r, "model", "layers");
  c->hidden_location = g_strdup_printf("%s: layers", location);
  return config_check_parameters(c, 0, 0, error);
}
