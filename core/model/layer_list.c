/* The layer list (model/layer_list.h): "dense(64), relu, dense(10)" read
 * into dense layers and their activations, each activation resolved in the
 * registry. It knows the layers the engine has, dense and any activation
 * plugin, and builds nothing. */
#include "model/layer_list.h"

#include <string.h>

#include "base/text_list.h"

#define IDENTITY "identity"

/* A dense layer as written, and the activation after it (NULL: none). */
typedef struct dense_entry {
  size_t units;
  const char *activation;
  size_t activation_position; /* 1-based in the list, for errors */
} dense_entry;

/* "dense(64)" or "dense(units=64)": TRUE with *units set; FALSE if item is
 * not a dense layer at all. *valid is FALSE for a dense layer whose units
 * are not a positive integer up to LAYER_LIST_MAX_UNITS. */
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
  if (strcmp(end, ")") != 0 || n == 0 || n > LAYER_LIST_MAX_UNITS) return TRUE;
  *units = (size_t)n;
  *valid = TRUE;
  return TRUE;
}

static gboolean fail_item(GError **error, size_t position, const char *item,
                          const char *why) {
  g_autofree char *shown = nnlab_excerpt(item);
  g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_INVALID, "item %zu, '%s': %s",
              position, shown, why);
  return FALSE;
}

/* The items as dense layers with their activations; entries point into
 * items. */
static gboolean read_entries(GPtrArray *items, GArray *entries,
                             GError **error) {
  for (size_t i = 0; i < items->len; i++) {
    const char *item = g_ptr_array_index(items, i);
    size_t units = 0;
    gboolean valid = FALSE;
    if (parse_dense(item, &units, &valid)) {
      if (!valid)
        return fail_item(error, i + 1, item,
                         "expected dense(UNITS) with UNITS from 1 to 16777216");
      g_array_append_val(entries, ((dense_entry){units, NULL, 0}));
      continue;
    }
    if (entries->len == 0)
      return fail_item(error, i + 1, item,
                       "an activation needs a dense layer before it; the "
                       "layers are dense(UNITS) and activations");
    dense_entry *last = &g_array_index(entries, dense_entry, entries->len - 1);
    if (last->activation)
      return fail_item(error, i + 1, item,
                       "a dense layer takes one activation after it");
    last->activation = item;
    last->activation_position = i + 1;
  }
  if (entries->len == 0) {
    g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_INVALID,
                "give at least the output layer, e.g. dense(64), relu, "
                "dense(10)");
    return FALSE;
  }
  if (entries->len > LAYER_LIST_MAX_DENSE) {
    g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_INVALID,
                "%u dense layers, more than the limit of %d", entries->len,
                LAYER_LIST_MAX_DENSE);
    return FALSE;
  }
  return TRUE;
}

gboolean layer_list_parse(const nnlab_registry *registry, const char *text,
                          layer_list *list, GError **error) {
  memset(list, 0, sizeof *list);
  g_autoptr(GPtrArray) items = text_list_split(text);
  if (!items) {
    g_autofree char *shown = nnlab_excerpt(text);
    g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_INVALID,
                "unbalanced brackets in '%s'", shown);
    return FALSE;
  }
  g_autoptr(GArray) entries = g_array_new(FALSE, FALSE, sizeof(dense_entry));
  if (!read_entries(items, entries, error)) return FALSE;
  list->units = g_new0(size_t, entries->len);
  list->activations = g_new0(nnlab_component, entries->len);
  for (size_t i = 0; i < entries->len; i++) {
    const dense_entry *e = &g_array_index(entries, dense_entry, i);
    const char *spec = e->activation ? e->activation : IDENTITY;
    if (!nnlab_component_resolve(registry, NNLAB_KIND_ACTIVATION, spec,
                                 &list->activations[i], error)) {
      g_autofree char *shown = nnlab_excerpt(spec);
      g_prefix_error(error, "item %zu, '%s': ", e->activation_position, shown);
      layer_list_clear(list);
      return FALSE;
    }
    list->units[i] = e->units;
    list->n_dense = i + 1;
  }
  return TRUE;
}

void layer_list_clear(layer_list *list) {
  for (size_t i = 0; i < list->n_dense; i++)
    nnlab_component_clear(&list->activations[i]);
  g_free(list->activations);
  g_free(list->units);
  memset(list, 0, sizeof *list);
}
