/* The network's shape in a run config: [model] layers, "dense(64), relu,
 * dense(10)", read into the same hidden sizes, activations and outputs as
 * the hidden/activation shorthand (so both build the same model, bit for
 * bit), and the cap on its parameters. It knows the layers the engine has:
 * dense and any activation plugin. */
#include <string.h>

#include <nnlab/common.h>

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

GPtrArray *config_split_list(const char *text) {
  GPtrArray *parts = g_ptr_array_new_with_free_func(g_free);
  int depth = 0;
  const char *start = text;
  for (const char *p = text;; p++) {
    if (*p == '(') depth++;
    if (*p == ')') depth--;
    if ((*p == ',' && depth == 0) || *p == '\0') {
      char *part = g_strstrip(g_strndup(start, (gsize)(p - start)));
      if (*part)
        g_ptr_array_add(parts, part);
      else
        g_free(part);
      if (!*p) break;
      start = p + 1;
    }
  }
  return parts;
}

/* A dense layer as the user wrote it, and the activation after it (NULL:
 * none, the identity). */
typedef struct dense_entry {
  size_t units;
  const char *activation;
  size_t activation_position; /* 1-based in the list, for errors */
} dense_entry;

/* "dense(64)" or "dense(units=64)": TRUE with *units set; FALSE if item is
 * not a dense layer at all. *valid is FALSE for a dense layer whose units
 * are not a positive integer up to MAX_UNITS. */
static gboolean parse_dense(const char *item, size_t *units, gboolean *valid) {
  if (!g_str_has_prefix(item, "dense")) return FALSE;
  const char *p = item + strlen("dense");
  while (*p == ' ') p++;
  if (*p != '(' && *p != '\0') return FALSE;
  *valid = FALSE;
  if (*p != '(') return TRUE;
  p++;
  while (*p == ' ') p++;
  if (g_str_has_prefix(p, "units")) {
    p += strlen("units");
    while (*p == ' ') p++;
    if (*p++ != '=') return TRUE;
    while (*p == ' ') p++;
  }
  char *end = NULL;
  guint64 n = g_ascii_strtoull(p, &end, 10);
  if (end == p || *p == '-') return TRUE;
  while (*end == ' ') end++;
  if (strcmp(end, ")") != 0 || n == 0 || n > MAX_UNITS) return TRUE;
  *units = (size_t)n;
  *valid = TRUE;
  return TRUE;
}

static gboolean fail_item(const ini_reader *r, GError **error, size_t position,
                          const char *item, const char *why) {
  g_autofree char *shown = nnlab_excerpt(item);
  return ini_fail(r, "model", "layers", error, "layers: item %zu, '%s': %s",
                  position, shown, why);
}

/* The list as dense layers with their activations; entries holds
 * pointers into items. */
static gboolean read_entries(const ini_reader *r, GPtrArray *items,
                             GArray *entries, GError **error) {
  for (size_t i = 0; i < items->len; i++) {
    const char *item = g_ptr_array_index(items, i);
    size_t units = 0;
    gboolean valid = FALSE;
    if (parse_dense(item, &units, &valid)) {
      if (!valid)
        return fail_item(r, error, i + 1, item,
                         "expected dense(UNITS) with UNITS from 1 to 16777216");
      g_array_append_val(entries, ((dense_entry){units, NULL, 0}));
      continue;
    }
    if (entries->len == 0)
      return fail_item(r, error, i + 1, item,
                       "an activation needs a dense layer before it; the "
                       "layers are dense(UNITS) and activations");
    dense_entry *last = &g_array_index(entries, dense_entry, entries->len - 1);
    if (last->activation)
      return fail_item(r, error, i + 1, item,
                       "a dense layer takes one activation after it");
    last->activation = item;
    last->activation_position = i + 1;
  }
  if (entries->len == 0)
    return ini_fail(r, "model", "layers", error,
                    "layers: give at least the output layer, e.g. "
                    "layers = dense(64), relu, dense(10)");
  if (entries->len - 1 > MAX_HIDDEN_LAYERS)
    return ini_fail(r, "model", "layers", error,
                    "layers: %u dense layers, more than the limit of %d",
                    entries->len, MAX_HIDDEN_LAYERS + 1);
  return TRUE;
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
  if (!ini_get_string(r, "model", "layers", "", &text, error)) return FALSE;
  g_autoptr(GPtrArray) items = config_split_list(text);
  g_autoptr(GArray) entries = g_array_new(FALSE, FALSE, sizeof(dense_entry));
  if (!read_entries(r, items, entries, error)) return FALSE;
  c->n_hidden = entries->len - 1;
  c->hidden_units = g_new0(size_t, MAX(c->n_hidden, 1));
  c->hidden_activations = g_new0(nnlab_component, MAX(c->n_hidden, 1));
  for (size_t i = 0; i < entries->len; i++) {
    const dense_entry *e = &g_array_index(entries, dense_entry, i);
    gboolean output = i == c->n_hidden;
    nnlab_component *activation =
        output ? &c->output_activation : &c->hidden_activations[i];
    const char *spec =
        e->activation ? e->activation : CONFIG_DEFAULT_OUTPUT_ACTIVATION;
    if (!nnlab_component_resolve(registry, NNLAB_KIND_ACTIVATION, spec,
                                 activation, error)) {
      g_autofree char *shown = nnlab_excerpt(spec);
      g_prefix_error(error, "layers: item %zu, '%s': ", e->activation_position,
                     shown);
      return ini_locate(r, "model", "layers", error);
    }
    if (output)
      c->n_outputs = e->units;
    else
      c->hidden_units[i] = e->units;
  }
  g_autofree char *location = ini_where(r, "model", "layers");
  c->hidden_location = g_strdup_printf("%s: layers", location);
  return config_check_parameters(c, 0, 0, error);
}
