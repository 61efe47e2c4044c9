/* Components (nnlab/component.h): a plugin with its hyperparameter values,
 * parsed from and formatted as "NAME(key=value, ...)". It looks plugins up
 * in the registry it is given and checks values through hparams.c; it
 * never loads a plugin or calls one. */
#include <string.h>

#include <nnlab/component.h>
#include <nnlab/hparams.h>

#include <nnlab/common.h>

#include "base/text_list.h"

gboolean nnlab_component_apply(nnlab_component *component,
                               const char *assignments, GError **error) {
  const nnlab_plugin_info *info = component->info;
  g_autoptr(GPtrArray) parts = text_list_split(assignments);
  if (!parts) {
    g_autofree char *shown = nnlab_excerpt(assignments);
    g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_INVALID,
                "%s '%s': unbalanced brackets in '%s'",
                nnlab_kind_name(info->kind), info->name, shown);
    return FALSE;
  }
  for (guint i = 0; i < parts->len; i++) {
    const char *part = g_ptr_array_index(parts, i);
    const char *equals = strchr(part, '=');
    if (!equals) {
      g_autofree char *shown = nnlab_excerpt(part);
      g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_INVALID,
                  "%s '%s': expected key=value, got '%s'",
                  nnlab_kind_name(info->kind), info->name, shown);
      return FALSE;
    }
    g_autofree char *key = g_strstrip(g_strndup(part, (gsize)(equals - part)));
    if (!nnlab_hparams_set(info, component->hparams, key, equals + 1, error))
      return FALSE;
  }
  return TRUE;
}

gboolean nnlab_component_resolve(const nnlab_registry *registry,
                                 nnlab_plugin_kind kind, const char *spec,
                                 nnlab_component *component, GError **error) {
  g_autofree char *text = g_strstrip(g_strdup(spec));
  char *open = strchr(text, '(');
  g_autofree char *assignments = NULL;
  if (open) {
    size_t len = strlen(text);
    if (text[len - 1] != ')') {
      g_autofree char *shown = nnlab_excerpt(spec);
      g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_INVALID,
                  "'%s': expected NAME or NAME(key=value, ...)", shown);
      return FALSE;
    }
    text[len - 1] = '\0';
    assignments = g_strdup(open + 1);
    *open = '\0';
    g_strstrip(text);
  }
  const nnlab_plugin *plugin = nnlab_registry_find(registry, kind, text, error);
  if (!plugin) return FALSE;
  nnlab_component resolved = {nnlab_plugin_get_info(plugin), NULL};
  resolved.hparams = nnlab_hparams_new_defaults(resolved.info);
  if (assignments && !nnlab_component_apply(&resolved, assignments, error)) {
    nnlab_component_clear(&resolved);
    return FALSE;
  }
  *component = resolved;
  return TRUE;
}

char *nnlab_component_format(const nnlab_component *component) {
  const nnlab_plugin_info *info = component->info;
  if (info->n_hparams == 0) return g_strdup(info->name);
  GString *out = g_string_new(info->name);
  g_string_append_c(out, '(');
  for (size_t i = 0; i < info->n_hparams; i++) {
    const nnlab_hparam *spec = &info->hparams[i];
    g_autofree char *value =
        nnlab_hparam_format_value(spec, &component->hparams[i]);
    gboolean pair = spec->type == NNLAB_HPARAM_PAIR;
    g_string_append_printf(out, "%s%s=%s%s%s", i ? ", " : "", spec->name,
                           pair ? "(" : "", value, pair ? ")" : "");
  }
  g_string_append_c(out, ')');
  return g_string_free(out, FALSE);
}

void nnlab_component_copy(nnlab_component *dest, const nnlab_component *src) {
  dest->info = src->info;
  dest->hparams = g_memdup2(src->hparams,
                            sizeof(nnlab_value) * MAX(src->info->n_hparams, 1));
}

void nnlab_component_clear(nnlab_component *component) {
  g_clear_pointer(&component->hparams, g_free);
  component->info = NULL;
}
