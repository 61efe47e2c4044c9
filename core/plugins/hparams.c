/* Hyperparameters against a plugin's table (nnlab/hparams.h): defaults,
 * parsing a value from text with range and choice checks, and formatting
 * it back so that it parses to the same bits. Errors suggest the nearest
 * key. It knows no particular plugin and never calls one. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <nnlab/hparams.h>

#include <nnlab/common.h>
#include "plugins/hparams_internal.h"
#include "base/suggest.h"

nnlab_value *nnlab_hparams_new_defaults(const nnlab_plugin_info *info) {
  nnlab_value *values = g_new0(nnlab_value, MAX(info->n_hparams, 1));
  for (size_t i = 0; i < info->n_hparams; i++) {
    const nnlab_hparam *spec = &info->hparams[i];
    switch (spec->type) {
      case NNLAB_HPARAM_FLOAT:
        values[i].f = spec->default_value[0];
        break;
      case NNLAB_HPARAM_INT:
      case NNLAB_HPARAM_CHOICE:
        values[i].i = (int64_t)spec->default_value[0];
        break;
      case NNLAB_HPARAM_BOOL:
        values[i].b = spec->default_value[0] != 0;
        break;
      case NNLAB_HPARAM_PAIR:
        values[i].pair[0] = spec->default_value[0];
        values[i].pair[1] = spec->default_value[1];
        break;
    }
  }
  return values;
}

int nnlab_hparams_index(const nnlab_plugin_info *info, const char *name) {
  for (size_t i = 0; i < info->n_hparams; i++)
    if (strcmp(info->hparams[i].name, name) == 0) return (int)i;
  return -1;
}

const char *nnlab_hparam_type_name(nnlab_hparam_type type) {
  switch (type) {
    case NNLAB_HPARAM_FLOAT:
      return "float";
    case NNLAB_HPARAM_INT:
      return "int";
    case NNLAB_HPARAM_BOOL:
      return "bool";
    case NNLAB_HPARAM_PAIR:
      return "pair";
    case NNLAB_HPARAM_CHOICE:
      return "choice";
  }
  return "unknown";
}

static gboolean parse_double(const char *text, double *out) {
  char *end = NULL;
  while (g_ascii_isspace(*text)) text++;
  if (*text == '\0') return FALSE;
  errno = 0;
  double v = g_ascii_strtod(text, &end);
  while (g_ascii_isspace(*end)) end++;
  if (*end != '\0' || errno == ERANGE || !isfinite(v)) return FALSE;
  *out = v;
  return TRUE;
}

gboolean hparam_in_range(const nnlab_hparam *spec, double v) {
  gboolean low_ok = (spec->flags & NNLAB_HPARAM_MIN_EXCLUSIVE) ? v > spec->min
                                                               : v >= spec->min;
  gboolean high_ok = (spec->flags & NNLAB_HPARAM_MAX_EXCLUSIVE)
                         ? v < spec->max
                         : v <= spec->max;
  return low_ok && high_ok;
}

/* Index of choice in a "a|b|c" list, or -1. */
static int choice_index(const char *choices, const char *text) {
  g_auto(GStrv) names = g_strsplit(choices ? choices : "", "|", -1);
  for (int i = 0; names[i]; i++)
    if (strcmp(names[i], text) == 0) return i;
  return -1;
}

guint hparam_choice_count(const char *choices) {
  g_auto(GStrv) names = g_strsplit(choices ? choices : "", "|", -1);
  return g_strv_length(names);
}

static char *format_bound(double v) {
  if (isinf(v)) return g_strdup(v < 0 ? "-inf" : "inf");
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  return g_strdup(g_ascii_formatd(buf, sizeof buf, "%g", v));
}

char *nnlab_hparam_format_range(const nnlab_hparam *spec) {
  switch (spec->type) {
    case NNLAB_HPARAM_BOOL:
      return g_strdup("true|false");
    case NNLAB_HPARAM_CHOICE:
      return g_strdup(spec->choices ? spec->choices : "");
    default:
      break;
  }
  g_autofree char *lo = format_bound(spec->min);
  g_autofree char *hi = format_bound(spec->max);
  return g_strdup_printf(
      "%c%s, %s%c",
      (spec->flags & NNLAB_HPARAM_MIN_EXCLUSIVE) || isinf(spec->min) ? '('
                                                                     : '[',
      lo, hi,
      (spec->flags & NNLAB_HPARAM_MAX_EXCLUSIVE) || isinf(spec->max) ? ')'
                                                                     : ']');
}

/* The shortest text that parses back to exactly v, so a spec saved in a
 * model file restores the same hyperparameters (and stays in range). */
static const char *format_double(char *buffer, size_t size, double v) {
  for (int digits = 1; digits < 17; digits++) {
    char format[8];
    g_snprintf(format, sizeof format, "%%.%dg", digits);
    g_ascii_formatd(buffer, (gint)size, format, v);
    if (g_ascii_strtod(buffer, NULL) == v) return buffer;
  }
  return g_ascii_formatd(buffer, (gint)size, "%.17g", v);
}

char *nnlab_hparam_format_value(const nnlab_hparam *spec,
                                const nnlab_value *value) {
  char a[G_ASCII_DTOSTR_BUF_SIZE], b[G_ASCII_DTOSTR_BUF_SIZE];
  switch (spec->type) {
    case NNLAB_HPARAM_FLOAT:
      return g_strdup(format_double(a, sizeof a, value->f));
    case NNLAB_HPARAM_INT:
      return g_strdup_printf("%" G_GINT64_FORMAT, value->i);
    case NNLAB_HPARAM_BOOL:
      return g_strdup(value->b ? "true" : "false");
    case NNLAB_HPARAM_PAIR:
      return g_strdup_printf("%s,%s",
                             format_double(a, sizeof a, value->pair[0]),
                             format_double(b, sizeof b, value->pair[1]));
    case NNLAB_HPARAM_CHOICE: {
      g_auto(GStrv) names =
          g_strsplit(spec->choices ? spec->choices : "", "|", -1);
      guint n = g_strv_length(names);
      return g_strdup(value->i >= 0 && (guint64)value->i < n ? names[value->i]
                                                             : "?");
    }
  }
  return g_strdup("?");
}

static gboolean parse_bool(const char *text, gboolean *out) {
  static const char *const yes[] = {"true", "1", "yes", "on"};
  static const char *const no[] = {"false", "0", "no", "off"};
  for (size_t i = 0; i < G_N_ELEMENTS(yes); i++) {
    if (g_ascii_strcasecmp(text, yes[i]) == 0) return *out = TRUE, TRUE;
    if (g_ascii_strcasecmp(text, no[i]) == 0) return *out = FALSE, TRUE;
  }
  return FALSE;
}

static gboolean parse_pair(const char *text, double out[2]) {
  g_autofree char *inner = g_strstrip(g_strdup(text));
  size_t len = strlen(inner);
  if (len >= 2 && strchr("([", inner[0]) && strchr(")]", inner[len - 1])) {
    inner[len - 1] = '\0';
    memmove(inner, inner + 1, len - 1);
  }
  g_auto(GStrv) parts = g_strsplit(inner, ",", -1);
  return g_strv_length(parts) == 2 && parse_double(parts[0], &out[0]) &&
         parse_double(parts[1], &out[1]);
}

static gboolean fail_range(const nnlab_plugin_info *info,
                           const nnlab_hparam *spec, const char *text,
                           GError **error) {
  g_autofree char *range = nnlab_hparam_format_range(spec);
  g_autofree char *shown = nnlab_excerpt(text);
  g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_RANGE,
              "hyperparameter '%s' of %s '%s': %s is outside its range %s",
              spec->name, nnlab_kind_name(info->kind), info->name, shown,
              range);
  return FALSE;
}

gboolean nnlab_hparams_set(const nnlab_plugin_info *info, nnlab_value *values,
                           const char *key, const char *text, GError **error) {
  int index = nnlab_hparams_index(info, key);
  if (index < 0) {
    g_autoptr(GPtrArray) names = g_ptr_array_new();
    for (size_t i = 0; i < info->n_hparams; i++)
      g_ptr_array_add(names, (gpointer)info->hparams[i].name);
    g_ptr_array_add(names, NULL);
    g_autofree char *hint =
        suggest_hint(key, (const char *const *)names->pdata);
    g_autofree char *valid = info->n_hparams
                                 ? g_strjoinv(", ", (char **)names->pdata)
                                 : g_strdup("none");
    g_autofree char *shown = nnlab_excerpt(key);
    g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_NOT_FOUND,
                "unknown hyperparameter '%s' for %s '%s'%s; valid: %s", shown,
                nnlab_kind_name(info->kind), info->name, hint, valid);
    return FALSE;
  }
  const nnlab_hparam *spec = &info->hparams[index];
  g_autofree char *trimmed = g_strstrip(g_strdup(text));
  /* Every byte zeroed, not only the first member's ({0} leaves the rest
   * unspecified), so that equal settings compare equal byte for byte. */
  nnlab_value parsed;
  memset(&parsed, 0, sizeof parsed);
  gboolean ok = FALSE;
  switch (spec->type) {
    case NNLAB_HPARAM_FLOAT:
      ok = parse_double(trimmed, &parsed.f);
      if (ok && !hparam_in_range(spec, parsed.f))
        return fail_range(info, spec, trimmed, error);
      break;
    case NNLAB_HPARAM_INT: {
      char *end = NULL;
      errno = 0;
      gint64 v = g_ascii_strtoll(trimmed, &end, 10);
      ok = *trimmed && *end == '\0' && errno == 0;
      parsed.i = v;
      if (ok && !hparam_in_range(spec, (double)v))
        return fail_range(info, spec, trimmed, error);
      break;
    }
    case NNLAB_HPARAM_BOOL: {
      gboolean b = FALSE;
      ok = parse_bool(trimmed, &b);
      parsed.b = b;
      break;
    }
    case NNLAB_HPARAM_PAIR:
      ok = parse_pair(trimmed, parsed.pair);
      if (ok && (!hparam_in_range(spec, parsed.pair[0]) ||
                 !hparam_in_range(spec, parsed.pair[1])))
        return fail_range(info, spec, trimmed, error);
      break;
    case NNLAB_HPARAM_CHOICE:
      parsed.i = choice_index(spec->choices, trimmed);
      ok = parsed.i >= 0;
      break;
  }
  if (!ok) {
    g_autofree char *expected =
        spec->type == NNLAB_HPARAM_CHOICE
            ? g_strdup_printf("one of %s", spec->choices)
        : spec->type == NNLAB_HPARAM_PAIR
            ? g_strdup("a pair of numbers like 0.9,0.999")
            : g_strdup_printf("a finite %s",
                              nnlab_hparam_type_name(spec->type));
    g_autofree char *shown = nnlab_excerpt(trimmed);
    g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_INVALID,
                "hyperparameter '%s' of %s '%s': expected %s, got '%s'",
                spec->name, nnlab_kind_name(info->kind), info->name, expected,
                shown);
    return FALSE;
  }
  values[index] = parsed;
  return TRUE;
}
