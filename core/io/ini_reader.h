/* INI files read for run configs and compare specs: the text with --set
 * SECTION.KEY=VALUE overrides applied, and typed values read with errors
 * that name the file and line of the key (or the override that set it). */
#ifndef NNLAB_INI_READER_H
#define NNLAB_INI_READER_H

#include <glib.h>

typedef struct ini_reader {
  GKeyFile *file;
  const char *path;       /* borrowed: the file, named in messages */
  GHashTable *lines;      /* its sections' and keys' lines in the text */
  GHashTable *overridden; /* "section.key" set by --set */
} ini_reader;

/* ---- Loading ---------------------------------------------------------- */

/* Parses INI text (path names it in errors; comments kept) into r, then
 * applies the overrides ("section.key=value", NULL-terminated). path must
 * outlive r. A key given twice in a section, or a section given
 * twice, is an error naming the line (GKeyFile would keep the last
 * silently). An override GKeyFile cannot hold (a bad section or key name,
 * a value over several lines, invalid UTF-8) is an error naming it;
 * example is a valid override shown in the error for a malformed one. On
 * failure r is left empty. */
gboolean ini_load(ini_reader *r, const char *text, const char *path,
                  const char *const *overrides, const char *example,
                  GError **error);
/* The text of the INI file at path, which must be a regular file (files.h);
 * NULL with an I/O error naming it otherwise. */
char *ini_read_file(const char *path, GError **error);
/* Frees what ini_load made; r may be empty. */
void ini_clear(ini_reader *r);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(ini_reader, ini_clear)

/* ---- Locations -------------------------------------------------------- */

/* 1-based line of [section] (key NULL) or of key in it in text, or 0. */
int ini_line_of(const char *text, const char *section, const char *key);
/* "FILE:LINE" of the key (of its section when the text lacks it), or
 * "--set section.key" when an override set it, for messages. */
char *ini_where(const ini_reader *r, const char *section, const char *key);
/* Sets error to "LOCATION: MESSAGE" and returns FALSE. */
gboolean ini_fail(const ini_reader *r, const char *section, const char *key,
                  GError **error, const char *format, ...) G_GNUC_PRINTF(5, 6);
/* Prefixes error (from elsewhere, e.g. a plugin table) with the location
 * and returns FALSE. */
gboolean ini_locate(const ini_reader *r, const char *section, const char *key,
                    GError **error);
/* An error for the first key of section not in known (NULL-terminated):
 * "unknown key 'K' in [S]" and the nearest known key, or otherwise (NULL:
 * nothing) when none is near. Keys with a '.' pass when dotted_ok. */
gboolean ini_check_keys(const ini_reader *r, const char *section,
                        const char *const *known, gboolean dotted_ok,
                        const char *otherwise, GError **error);

/* ---- Values ----------------------------------------------------------- */

/* The value, stripped, or NULL when absent. */
char *ini_raw(const ini_reader *r, const char *section, const char *key);
/* A finite number, the whole text. */
gboolean ini_parse_number(const char *text, double *out);
/* A whole number from 0 to max in decimal, the whole text. */
gboolean ini_parse_count(const char *text, guint64 max, guint64 *out);
/* Typed values: fallback when absent, an error naming the line if bad.
 * Strings have GKeyFile's escapes decoded and must be UTF-8. */
gboolean ini_get_string(const ini_reader *r, const char *section,
                        const char *key, const char *fallback, char **out,
                        GError **error);
gboolean ini_get_double(const ini_reader *r, const char *section,
                        const char *key, double fallback, double min,
                        double max, double *out, GError **error);
gboolean ini_get_count(const ini_reader *r, const char *section,
                       const char *key, guint64 fallback, guint64 min,
                       guint64 max, guint64 *out, GError **error);
/* true, yes or 1; false, no or 0 (any case). */
gboolean ini_get_bool(const ini_reader *r, const char *section, const char *key,
                      gboolean fallback, gboolean *out, GError **error);
/* The index of the value in choices (NULL-terminated), 0 when absent. */
gboolean ini_get_choice(const ini_reader *r, const char *section,
                        const char *key, const char *const *choices,
                        size_t *out, GError **error);

#endif
