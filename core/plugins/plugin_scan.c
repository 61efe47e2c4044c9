/* Probing plugin files in nnlab-plugin-scanner before loading them
 * (plugin_scan.h), with a cache keyed by path, size and mtime. A file the
 * scanner dies or hangs on is marked broken; this process never dlopens a
 * file here. */
#include "plugins/plugin_scan.h"

#include <string.h>
#include <sys/stat.h>

#include "base/subprocess.h"

/* How long loading one batch of plugin files may take; tests shorten it
 * with NNLAB_PLUGIN_SCAN_TIMEOUT. */
static double scan_timeout(void) {
  const char *text = g_getenv("NNLAB_PLUGIN_SCAN_TIMEOUT");
  double seconds = text ? g_ascii_strtod(text, NULL) : 0;
  return seconds > 0 ? seconds : 10.0;
}

/* The cache: one key-file group per plugin path. */
static char *cache_path(void) {
  const char *override = g_getenv("NNLAB_PLUGIN_CACHE");
  if (override && *override) return g_strdup(override);
  return g_build_filename(g_get_user_cache_dir(), "nnlab", "plugin-scan.ini",
                          NULL);
}

/* "size:mtime_seconds.nanoseconds" identifies a version of a file. */
static char *file_stamp(const char *path) {
  struct stat st;
  if (stat(path, &st) != 0) return NULL;
  return g_strdup_printf("%lld:%lld.%09ld", (long long)st.st_size,
                         (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
}

typedef struct scan_reader {
  GHashTable *broken; /* path -> reason */
  GHashTable *done;   /* paths the scanner finished */
  char *current;      /* the path it began last */
} scan_reader;

static void read_scan_line(char *line, void *data) {
  scan_reader *reader = data;
  char *space = strchr(line, ' ');
  if (!space) return;
  *space = '\0';
  char *rest = space + 1;
  if (strcmp(line, "BEGIN") == 0) {
    g_free(reader->current);
    reader->current = g_strdup(rest);
    return;
  }
  char *tab = strchr(rest, '\t');
  if (tab) *tab = '\0';
  if (strcmp(line, "BROKEN") == 0)
    g_hash_table_replace(reader->broken, g_strdup(rest),
                         g_strdup(tab ? tab + 1 : "broken"));
  g_hash_table_add(reader->done, g_strdup(rest));
  g_clear_pointer(&reader->current, g_free);
}

/* Runs the scanner over paths; a path it dies on is marked broken and the
 * scan goes on after it. */
static void run_scanner(const char *scanner, GPtrArray *paths,
                        GHashTable *broken) {
  guint start = 0;
  while (start < paths->len) {
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    g_ptr_array_add(argv, (gpointer)scanner);
    for (guint i = start; i < paths->len; i++)
      g_ptr_array_add(argv, g_ptr_array_index(paths, i));
    g_ptr_array_add(argv, NULL);
    scan_reader reader = {
        broken, g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL),
        NULL};
    subprocess_outcome outcome;
    gboolean ran =
        subprocess_run_lines((const char *const *)argv->pdata, scan_timeout(),
                             read_scan_line, &reader, &outcome, NULL);
    guint next = paths->len;
    if (ran && reader.current) {
      /* It died or hung on this file. */
      g_autofree char *how = subprocess_describe(&outcome, scan_timeout());
      g_hash_table_replace(
          broken, g_strdup(reader.current),
          g_strdup_printf("%s while loading in the plugin scanner; skipped "
                          "until the file changes",
                          how));
      for (guint i = start; i < paths->len; i++)
        if (strcmp(g_ptr_array_index(paths, i), reader.current) == 0)
          next = i + 1;
    }
    g_free(reader.current);
    g_hash_table_unref(reader.done);
    start = next;
  }
}

GHashTable *plugin_scan(const GPtrArray *paths) {
  GHashTable *broken =
      g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
  if (g_strcmp0(g_getenv("NNLAB_PLUGIN_SCANNER"), "0") == 0) return broken;
  g_autofree char *scanner = plugin_scanner_path();
  if (!g_file_test(scanner, G_FILE_TEST_IS_EXECUTABLE)) return broken;

  g_autofree char *cache_file = cache_path();
  g_autoptr(GKeyFile) cache = g_key_file_new();
  g_key_file_load_from_file(cache, cache_file, G_KEY_FILE_NONE, NULL);
  g_autoptr(GPtrArray) unknown = g_ptr_array_new();
  for (guint i = 0; i < paths->len; i++) {
    const char *path = g_ptr_array_index(paths, i);
    g_autofree char *stamp = file_stamp(path);
    g_autofree char *cached = g_key_file_get_string(cache, path, "stamp", NULL);
    if (!stamp || g_strcmp0(stamp, cached) != 0) {
      g_ptr_array_add(unknown, (gpointer)path);
      continue;
    }
    g_autofree char *reason =
        g_key_file_get_string(cache, path, "broken", NULL);
    if (reason)
      g_hash_table_replace(broken, g_strdup(path), g_steal_pointer(&reason));
  }
  if (unknown->len == 0) return broken;
  run_scanner(scanner, unknown, broken);
  for (guint i = 0; i < unknown->len; i++) {
    const char *path = g_ptr_array_index(unknown, i);
    g_autofree char *stamp = file_stamp(path);
    if (!stamp) continue;
    g_key_file_set_string(cache, path, "stamp", stamp);
    const char *reason = g_hash_table_lookup(broken, path);
    if (reason)
      g_key_file_set_string(cache, path, "broken", reason);
    else
      g_key_file_remove_key(cache, path, "broken", NULL);
  }
  /* A cache that cannot be written only costs a rescan next time. */
  g_autofree char *dir = g_path_get_dirname(cache_file);
  g_mkdir_with_parents(dir, 0700);
  g_key_file_save_to_file(cache, cache_file, NULL);
  return broken;
}
