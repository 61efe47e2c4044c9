/* INI text into a GKeyFile with --set SECTION.KEY=VALUE overrides applied
 * (key_file_overrides.h), refusing the duplicate keys and sections
 * GKeyFile would silently merge. It knows no section or key of a run
 * config or compare spec: those are checked by their readers. */
#include "io/key_file_overrides.h"

#include <string.h>

#include <nnlab/common.h>

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

/* "FILE:LINE: duplicate ..." for a name already seen in table. */
static gboolean refuse_duplicate(GHashTable *seen, const char *name,
                                 const char *what, const char *path, int line,
                                 GError **error) {
  int first = GPOINTER_TO_INT(g_hash_table_lookup(seen, name));
  if (!first) {
    g_hash_table_insert(seen, g_strdup(name), GINT_TO_POINTER(line));
    return TRUE;
  }
  g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_INVALID,
              "%s:%d: duplicate %s (first on line %d); give each once", path,
              line, what, first);
  return FALSE;
}

/* GKeyFile keeps the last of two equal keys in a section and merges two
 * sections of one name, so a repeated one would silently win: refused
 * here, line by line as GKeyFile reads them (leading blanks skipped, '#'
 * comments, a section name up to its last ']', a key up to '='). */
static gboolean check_duplicates(const char *text, const char *path,
                                 GError **error) {
  g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
  g_autoptr(GHashTable) sections =
      g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) keys =
      g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *section = NULL;
  for (int i = 0; lines[i]; i++) {
    char *line = g_strstrip(lines[i]);
    char *end = strrchr(line, ']');
    if (line[0] == '[' && end) {
      g_free(section);
      section = g_strndup(line + 1, (gsize)(end - line - 1));
      g_autofree char *shown = nnlab_excerpt(section);
      g_autofree char *what = g_strdup_printf("section [%s]", shown);
      if (!refuse_duplicate(sections, section, what, path, i + 1, error))
        return FALSE;
      g_hash_table_remove_all(keys);
      continue;
    }
    char *equals = strchr(line, '=');
    if (line[0] == '#' || !equals || !section) continue;
    g_autofree char *key = g_strchomp(g_strndup(line, (gsize)(equals - line)));
    g_autofree char *shown_key = nnlab_excerpt(key);
    g_autofree char *shown_section = nnlab_excerpt(section);
    g_autofree char *what =
        g_strdup_printf("key '%s' in [%s]", shown_key, shown_section);
    if (!refuse_duplicate(keys, key, what, path, i + 1, error)) return FALSE;
  }
  return TRUE;
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

GKeyFile *key_file_load_with_overrides(const char *text, const char *path,
                                       const char *const *overrides,
                                       const char *example,
                                       GHashTable **overridden,
                                       GError **error) {
  g_autoptr(GKeyFile) file = g_key_file_new();
  g_autoptr(GError) parse_error = NULL;
  if (!g_key_file_load_from_data(file, text, (gsize)-1,
                                 G_KEY_FILE_KEEP_COMMENTS, &parse_error)) {
    g_autofree char *message = bounded_quote(parse_error->message);
    g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_INVALID, "%s: %s", path,
                message);
    return NULL;
  }
  if (!check_duplicates(text, path, error)) return NULL;
  g_autoptr(GHashTable) set =
      g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  if (!apply_overrides(file, overrides, example, set, error)) return NULL;
  *overridden = g_steal_pointer(&set);
  return g_steal_pointer(&file);
}
