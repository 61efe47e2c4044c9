/* Locations and typed values in comparison specs: "FILE:LINE:" for a key,
 * and numbers, counts and choices read with errors that name it. Shared by
 * compare_spec.c's readers; it knows no section's keys. */
#include <errno.h>
#include <math.h>
#include <string.h>

#include "compare/compare_spec.h"
#include <nnlab/common.h>
#include "base/suggest.h"

/* ---- Locations -------------------------------------------------------- */
int spec_line_of(const char *text, const char *section, const char *key) {
  g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
  gboolean inside = FALSE;
  for (int i = 0; lines[i]; i++) {
    char *line = g_strstrip(lines[i]);
    if (line[0] == '[') {
      char *end = strrchr(line, ']');
      if (end) *end = '\0';
      inside = end && strcmp(line + 1, section) == 0;
      if (inside && !key) return i + 1;
      continue;
    }
    if (!inside || !key) continue;
    size_t len = strlen(key);
    if (strncmp(line, key, len) == 0) {
      const char *rest = line + len;
      while (*rest == ' ' || *rest == '\t') rest++;
      if (*rest == '=') return i + 1;
    }
  }
  return 0;
}

char *spec_where(const spec_reader *r, const char *section, const char *key) {
  if (key) {
    g_autofree char *full = g_strdup_printf("%s.%s", section, key);
    if (g_hash_table_contains(r->overridden, full)) {
      g_autofree char *shown = nnlab_excerpt(full);
      return g_strdup_printf("--set %s", shown);
    }
  }
  int line = spec_line_of(r->text, section, key);
  if (!line && key) line = spec_line_of(r->text, section, NULL);
  return line ? g_strdup_printf("%s:%d", r->path, line) : g_strdup(r->path);
}

gboolean spec_fail(const spec_reader *r, const char *section, const char *key,
                   GError **error, const char *format, ...) {
  va_list args;
  va_start(args, format);
  g_autofree char *message = g_strdup_vprintf(format, args);
  va_end(args);
  g_autofree char *location = spec_where(r, section, key);
  g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_INVALID, "%s: %s", location,
              message);
  return FALSE;
}

gboolean spec_locate(const spec_reader *r, const char *section, const char *key,
                     GError **error) {
  g_autofree char *location = spec_where(r, section, key);
  g_prefix_error(error, "%s: ", location);
  return FALSE;
}

/* ---- Values ------------------------------------------------------------ */

char *spec_raw(const spec_reader *r, const char *section, const char *key) {
  char *value = g_key_file_get_value(r->file, section, key, NULL);
  if (value) g_strstrip(value);
  return value;
}

gboolean spec_parse_number(const char *text, double *out) {
  char *end = NULL;
  errno = 0;
  double v = g_ascii_strtod(text, &end);
  if (!*text || *end || errno || !isfinite(v)) return FALSE;
  *out = v;
  return TRUE;
}

gboolean spec_parse_count(const char *text, guint64 max, guint64 *out) {
  char *end = NULL;
  errno = 0;
  guint64 v = g_ascii_strtoull(text, &end, 10);
  if (!*text || *end || errno || text[0] == '-' || v > max) return FALSE;
  *out = v;
  return TRUE;
}

gboolean spec_parse_batch_size(const char *text, guint64 *out) {
  if (g_ascii_strcasecmp(text, "full") == 0) return *out = 0, TRUE;
  return spec_parse_count(text, SPEC_MAX_BATCH, out);
}

gboolean spec_get_double(const spec_reader *r, const char *section,
                         const char *key, double fallback, double min,
                         double max, double *out, GError **error) {
  g_autofree char *raw = spec_raw(r, section, key);
  if (!raw) return *out = fallback, TRUE;
  if (!spec_parse_number(raw, out)) {
    g_autofree char *shown = nnlab_excerpt(raw);
    return spec_fail(r, section, key, error, "%s: expected a number, got '%s'",
                     key, shown);
  }
  if (*out < min || *out > max)
    return spec_fail(r, section, key, error,
                     "%s: %g is outside the range [%g, %g]", key, *out, min,
                     max);
  return TRUE;
}

gboolean spec_get_count(const spec_reader *r, const char *section,
                        const char *key, guint64 fallback, guint64 min,
                        guint64 max, guint64 *out, GError **error) {
  g_autofree char *raw = spec_raw(r, section, key);
  if (!raw) return *out = fallback, TRUE;
  if (!spec_parse_count(raw, max, out) || *out < min) {
    g_autofree char *shown = nnlab_excerpt(raw);
    return spec_fail(r, section, key, error,
                     "%s: expected an integer from %" G_GUINT64_FORMAT
                     " to %" G_GUINT64_FORMAT ", got '%s'",
                     key, min, max, shown);
  }
  return TRUE;
}

gboolean spec_get_choice(const spec_reader *r, const char *section,
                         const char *key, const char *const *choices,
                         size_t *out, GError **error) {
  g_autofree char *raw = spec_raw(r, section, key);
  if (!raw) return *out = 0, TRUE;
  for (size_t i = 0; choices[i]; i++)
    if (strcmp(raw, choices[i]) == 0) return *out = i, TRUE;
  g_autofree char *hint = suggest_hint(raw, choices);
  g_autofree char *valid = g_strjoinv(", ", (char **)choices);
  g_autofree char *shown = nnlab_excerpt(raw);
  return spec_fail(r, section, key, error, "%s: unknown '%s'%s; expected %s",
                   key, shown, hint, valid);
}

/* "1, 2, 3", "1..5" or a mix: distinct seeds in the order given. */

void spec_add_set(GPtrArray *sets, GPtrArray *keys, const char *spec_key,
                  const char *config_key, const char *value) {
  g_ptr_array_add(sets, g_strdup_printf("%s=%s", config_key, value));
  g_ptr_array_add(keys, g_strdup(spec_key));
}

char *spec_format_lr(double lr) {
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];
  return g_strdup(g_ascii_dtostr(buffer, sizeof buffer, lr));
}
