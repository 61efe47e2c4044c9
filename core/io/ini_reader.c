/* The INI reader of run configs and compare specs (ini_reader.h): text
 * into a GKeyFile with --set overrides applied, refusing the duplicate keys
 * and sections GKeyFile would silently merge, then located typed values.
 * It knows no section or key of a run config or compare spec: their
 * readers check those. */
#include "io/ini_reader.h"

#include <errno.h>
#include <math.h>
#include <string.h>

#include <nnlab/common.h>
#include <nnlab/files.h>
#include "base/suggest.h"

/* What GKeyFile accepts as a section or key name (it ignores others with
 * a critical warning): no brackets, no '=' in keys, no control
 * characters, no spaces around keys. */
static gboolean is_name(const char *name, gboolean key) {
  if (!*name || (key && (name[0] == ' ' || name[strlen(name) - 1] == ' ')))
    return FALSE;
  for (const char *p = name; *p; p++)
    if (*p == '[' || *p == ']' || (key && *p == '=') || g_ascii_iscntrl(*p))
      return FALSE;
  return TRUE;
}

/* GKeyFile's parse errors quote the offending line whole ("Key file
 * contains line “...” which is not a key-value pair"): the quote is cut
 * to an excerpt, the rest of the message kept. */
static char *bounded_quote(const char *message) {
  const char *open = strstr(message, "“");
  const char *close = open ? g_strrstr(open, "”") : NULL;
  if (!close) return nnlab_excerpt_chars(message, 4 * NNLAB_EXCERPT_CHARS);
  const char *inner = open + strlen("“");
  g_autofree char *quoted = g_strndup(inner, (gsize)(close - inner));
  g_autofree char *shown = nnlab_excerpt(quoted);
  return g_strdup_printf("%.*s“%s%s", (int)(open - message), message, shown,
                         close);
}

/* A section line (key NULL) or key line found in INI text. */
typedef gboolean (*line_found)(const char *section, const char *key, int line,
                               void *data);

/* Calls found for each section and key line of text, as GKeyFile reads
 * them (leading blanks skipped, '#' comments, a section name up to its
 * last ']', a key up to '=' without the blanks around it), until it
 * returns FALSE. */
static gboolean walk_lines(const char *text, line_found found, void *data) {
  g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
  g_autofree char *section = NULL;
  for (int i = 0; lines[i]; i++) {
    char *line = g_strstrip(lines[i]);
    char *end = strrchr(line, ']');
    if (line[0] == '[' && end) {
      g_free(section);
      section = g_strndup(line + 1, (gsize)(end - line - 1));
      if (!found(section, NULL, i + 1, data)) return FALSE;
      continue;
    }
    char *equals = strchr(line, '=');
    if (line[0] == '#' || !equals || !section) continue;
    g_autofree char *key = g_strchomp(g_strndup(line, (gsize)(equals - line)));
    if (!found(section, key, i + 1, data)) return FALSE;
  }
  return TRUE;
}

/* The name a section or key line is indexed under: no section or key
 * holds a newline. */
static char *line_name(const char *section, const char *key) {
  return key ? g_strconcat(section, "\n", key, NULL) : g_strdup(section);
}

typedef struct line_index {
  GHashTable *lines; /* line_name to 1-based line */
  const char *path;  /* NULL: keep the first of a name given twice */
  GError **error;
} line_index;

/* GKeyFile keeps the last of two equal keys in a section and merges two
 * sections of one name, so a repeated one would silently win: with a
 * path, it is refused with "FILE:LINE: duplicate ...". */
static gboolean index_line(const char *section, const char *key, int line,
                           void *data) {
  line_index *index = data;
  char *name = line_name(section, key);
  int first = GPOINTER_TO_INT(g_hash_table_lookup(index->lines, name));
  if (!first) {
    g_hash_table_insert(index->lines, name, GINT_TO_POINTER(line));
    return TRUE;
  }
  g_free(name);
  if (!index->path) return TRUE;
  g_autofree char *shown_section = nnlab_excerpt(section);
  g_autofree char *shown_key = key ? nnlab_excerpt(key) : NULL;
  g_autofree char *what =
      key ? g_strdup_printf("key '%s' in [%s]", shown_key, shown_section)
          : g_strdup_printf("section [%s]", shown_section);
  g_set_error(index->error, NNLAB_ERROR, NNLAB_ERROR_INVALID,
              "%s:%d: duplicate %s (first on line %d); give each once",
              index->path, line, what, first);
  return FALSE;
}

/* The lines of text's sections and keys; with a path, a name given twice
 * is an error naming it. */
static GHashTable *index_lines(const char *text, const char *path,
                               GError **error) {
  line_index index = {
      g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL), path,
      error};
  if (walk_lines(text, index_line, &index)) return index.lines;
  g_hash_table_unref(index.lines);
  return NULL;
}

/* The line of key in section (of section when key is NULL), or 0. */
static int line_in(GHashTable *lines, const char *section, const char *key) {
  g_autofree char *name = line_name(section, key);
  return GPOINTER_TO_INT(g_hash_table_lookup(lines, name));
}

static gboolean apply_overrides(GKeyFile *file, const char *const *overrides,
                                const char *example, GHashTable *overridden,
                                GError **error) {
  for (size_t i = 0; overrides && overrides[i]; i++) {
    const char *item = overrides[i];
    const char *equals = strchr(item, '=');
    const char *dot = strchr(item, '.');
    if (!equals || !dot || dot > equals || dot == item || dot + 1 == equals) {
      g_autofree char *shown = nnlab_excerpt(item);
      g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_INVALID,
                  "--set %s: expected section.key=value, e.g. %s", shown,
                  example);
      return FALSE;
    }
    g_autofree char *section = g_strndup(item, (gsize)(dot - item));
    g_autofree char *key = g_strndup(dot + 1, (gsize)(equals - dot - 1));
    const char *problem =
        !g_utf8_validate(item, -1, NULL) ? "it is not valid UTF-8"
        : !is_name(section, FALSE)       ? "the section name is not valid"
        : !is_name(key, TRUE)            ? "the key name is not valid"
        : strpbrk(equals + 1, "\r\n")    ? "the value spans lines"
                                         : NULL;
    if (problem) {
      g_autofree char *valid = g_utf8_make_valid(item, -1);
      g_autofree char *escaped = g_strescape(valid, NULL); /* one line */
      g_autofree char *shown = nnlab_excerpt(escaped);
      g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_INVALID, "--set %s: %s",
                  shown, problem);
      return FALSE;
    }
    g_key_file_set_value(file, section, key, equals + 1);
    g_hash_table_add(overridden, g_strdup_printf("%s.%s", section, key));
  }
  return TRUE;
}

char *ini_read_file(const char *path, GError **error) {
  char *text = NULL;
  g_autoptr(GError) io_error = NULL;
  if (!nnlab_check_input_file(path, error)) return NULL;
  if (!g_file_get_contents(path, &text, NULL, &io_error)) {
    g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_IO, "%s", io_error->message);
    return NULL;
  }
  return text;
}

gboolean ini_load(ini_reader *r, const char *text, const char *path,
                  const char *const *overrides, const char *example,
                  GError **error) {
  *r = (ini_reader){.file = g_key_file_new(),
                    .path = path,
                    .overridden = g_hash_table_new_full(g_str_hash, g_str_equal,
                                                        g_free, NULL)};
  g_autoptr(GError) parse_error = NULL;
  if (!g_key_file_load_from_data(r->file, text, (gsize)-1,
                                 G_KEY_FILE_KEEP_COMMENTS, &parse_error)) {
    g_autofree char *message = bounded_quote(parse_error->message);
    g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_INVALID, "%s: %s", path,
                message);
  } else if ((r->lines = index_lines(text, path, error)) &&
             apply_overrides(r->file, overrides, example, r->overridden,
                             error)) {
    return TRUE;
  }
  ini_clear(r);
  return FALSE;
}

void ini_clear(ini_reader *r) {
  g_clear_pointer(&r->file, g_key_file_unref);
  g_clear_pointer(&r->lines, g_hash_table_unref);
  g_clear_pointer(&r->overridden, g_hash_table_unref);
  r->path = NULL;
}

/* ---- Locations -------------------------------------------------------- */

int ini_line_of(const char *text, const char *section, const char *key) {
  g_autoptr(GHashTable) lines = index_lines(text, NULL, NULL);
  return line_in(lines, section, key);
}

char *ini_where(const ini_reader *r, const char *section, const char *key) {
  if (key) {
    g_autofree char *full = g_strdup_printf("%s.%s", section, key);
    if (g_hash_table_contains(r->overridden, full)) {
      g_autofree char *shown = nnlab_excerpt(full);
      return g_strdup_printf("--set %s", shown);
    }
  }
  int line = line_in(r->lines, section, key);
  if (!line && key) line = line_in(r->lines, section, NULL);
  return line ? g_strdup_printf("%s:%d", r->path, line) : g_strdup(r->path);
}

gboolean ini_fail(const ini_reader *r, const char *section, const char *key,
                  GError **error, const char *format, ...) {
  va_list args;
  va_start(args, format);
  g_autofree char *message = g_strdup_vprintf(format, args);
  va_end(args);
  g_autofree char *location = ini_where(r, section, key);
  g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_INVALID, "%s: %s", location,
              message);
  return FALSE;
}

gboolean ini_locate(const ini_reader *r, const char *section, const char *key,
                    GError **error) {
  g_autofree char *location = ini_where(r, section, key);
  g_prefix_error(error, "%s: ", location);
  return FALSE;
}

gboolean ini_check_keys(const ini_reader *r, const char *section,
                        const char *const *known, gboolean dotted_ok,
                        const char *otherwise, GError **error) {
  g_auto(GStrv) keys = g_key_file_get_keys(r->file, section, NULL, NULL);
  for (size_t i = 0; keys && keys[i]; i++) {
    if (g_strv_contains(known, keys[i])) continue;
    if (dotted_ok && strchr(keys[i], '.')) continue;
    g_autofree char *hint = suggest_hint(keys[i], known);
    g_autofree char *key = nnlab_excerpt(keys[i]);
    g_autofree char *shown_section = nnlab_excerpt(section);
    return ini_fail(r, section, keys[i], error, "unknown key '%s' in [%s]%s",
                    key, shown_section, *hint || !otherwise ? hint : otherwise);
  }
  return TRUE;
}

/* ---- Values ----------------------------------------------------------- */

char *ini_raw(const ini_reader *r, const char *section, const char *key) {
  char *value = g_key_file_get_value(r->file, section, key, NULL);
  if (value) g_strstrip(value);
  return value;
}

gboolean ini_parse_number(const char *text, double *out) {
  char *end = NULL;
  errno = 0;
  double v = g_ascii_strtod(text, &end);
  if (!*text || *end || errno || !isfinite(v)) return FALSE;
  *out = v;
  return TRUE;
}

gboolean ini_parse_count(const char *text, guint64 max, guint64 *out) {
  char *end = NULL;
  errno = 0;
  guint64 v = g_ascii_strtoull(text, &end, 10);
  if (!*text || *end || errno || text[0] == '-' || v > max) return FALSE;
  *out = v;
  return TRUE;
}

/* GKeyFile's escapes (\s \n \t \r \\) decoded, others kept as written
 * and a final backslash dropped, as g_key_file_get_string does; done here
 * because GLib 2.74 prints a warning for some values (an unknown escape,
 * then a backslash at the end). */
static char *unescape(const char *raw) {
  GString *out = g_string_sized_new(strlen(raw));
  for (const char *p = raw; *p; p++) {
    if (*p != '\\') {
      g_string_append_c(out, *p);
      continue;
    }
    switch (*++p) {
      case '\0':
        return g_string_free(out, FALSE);
      case 's':
        g_string_append_c(out, ' ');
        break;
      case 'n':
        g_string_append_c(out, '\n');
        break;
      case 't':
        g_string_append_c(out, '\t');
        break;
      case 'r':
        g_string_append_c(out, '\r');
        break;
      case '\\':
        g_string_append_c(out, '\\');
        break;
      default:
        g_string_append_c(out, '\\');
        g_string_append_c(out, *p);
    }
  }
  return g_string_free(out, FALSE);
}

/* Invalid UTF-8 is an error, never the fallback instead. */
gboolean ini_get_string(const ini_reader *r, const char *section,
                        const char *key, const char *fallback, char **out,
                        GError **error) {
  g_autofree char *raw = g_key_file_get_value(r->file, section, key, NULL);
  *out = NULL;
  if (raw && !g_utf8_validate(raw, -1, NULL))
    return ini_fail(r, section, key, error, "%s: the value is not valid UTF-8",
                    key);
  *out = raw ? g_strstrip(unescape(raw)) : g_strdup(fallback);
  return TRUE;
}

gboolean ini_get_double(const ini_reader *r, const char *section,
                        const char *key, double fallback, double min,
                        double max, double *out, GError **error) {
  g_autofree char *raw = ini_raw(r, section, key);
  if (!raw) return *out = fallback, TRUE;
  double v = 0;
  if (!ini_parse_number(raw, &v)) {
    g_autofree char *shown = nnlab_excerpt(raw);
    return ini_fail(r, section, key, error, "%s: expected a number, got '%s'",
                    key, shown);
  }
  if (v < min || v > max)
    return ini_fail(r, section, key, error,
                    "%s: %g is outside the range [%g, %g]", key, v, min, max);
  *out = v;
  return TRUE;
}

gboolean ini_get_count(const ini_reader *r, const char *section,
                       const char *key, guint64 fallback, guint64 min,
                       guint64 max, guint64 *out, GError **error) {
  g_autofree char *raw = ini_raw(r, section, key);
  if (!raw) return *out = fallback, TRUE;
  guint64 v = 0;
  if (!ini_parse_count(raw, max, &v) || v < min) {
    g_autofree char *shown = nnlab_excerpt(raw);
    return ini_fail(r, section, key, error,
                    "%s: expected an integer from %" G_GUINT64_FORMAT
                    " to %" G_GUINT64_FORMAT ", got '%s'",
                    key, min, max, shown);
  }
  *out = v;
  return TRUE;
}

gboolean ini_get_bool(const ini_reader *r, const char *section, const char *key,
                      gboolean fallback, gboolean *out, GError **error) {
  g_autofree char *raw = ini_raw(r, section, key);
  if (!raw) return *out = fallback, TRUE;
  if (!g_ascii_strcasecmp(raw, "true") || !strcmp(raw, "1") ||
      !g_ascii_strcasecmp(raw, "yes"))
    return *out = TRUE, TRUE;
  if (!g_ascii_strcasecmp(raw, "false") || !strcmp(raw, "0") ||
      !g_ascii_strcasecmp(raw, "no"))
    return *out = FALSE, TRUE;
  g_autofree char *shown = nnlab_excerpt(raw);
  return ini_fail(r, section, key, error,
                  "%s: expected true or false, got '%s'", key, shown);
}

gboolean ini_get_choice(const ini_reader *r, const char *section,
                        const char *key, const char *const *choices,
                        size_t *out, GError **error) {
  g_autofree char *raw = ini_raw(r, section, key);
  if (!raw) return *out = 0, TRUE;
  for (size_t i = 0; choices[i]; i++)
    if (strcmp(raw, choices[i]) == 0) return *out = i, TRUE;
  g_autofree char *hint = suggest_hint(raw, choices);
  g_autofree char *valid = g_strjoinv(", ", (char **)choices);
  g_autofree char *shown = nnlab_excerpt(raw);
  return ini_fail(r, section, key, error, "%s: unknown '%s'%s; expected %s",
                  key, shown, hint, valid);
}
