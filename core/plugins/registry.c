/* The plugin registry: scans the search path in order, probes files in the
 * scanner, then for each one the trust, ELF, ABI and descriptor checks
 * before it is accepted; the first plugin of a kind and name shadows later
 * ones. A plugin that fails is recorded as broken and skipped, never fatal;
 * the registry never calls a plugin's functions. */
#include <dlfcn.h>
#include <stddef.h>
#include <string.h>

#include <nnlab/registry.h>

#include <nnlab/common.h>
#include "plugins/plugin_scan.h"
#include "plugins/plugin_trust.h"
#include "plugins/plugin_validate.h"
#include "base/suggest.h"

struct nnlab_plugin {
  char *path;
  const nnlab_plugin_info *info; /* &descriptor, NULL when not usable */
  nnlab_plugin_info descriptor;
  char *problem;
};

/* A directory of the search path that was not searched, and why. */
typedef struct skipped_dir {
  char *path;
  char *reason;
} skipped_dir;

struct nnlab_registry {
  char **search_path;
  GPtrArray *plugins;      /* nnlab_plugin *, in search order */
  GPtrArray *warnings;     /* char *, NULL-terminated */
  GPtrArray *skipped_dirs; /* skipped_dir *, in search order */
};

static void plugin_free(gpointer data) {
  nnlab_plugin *plugin = data;
  g_free(plugin->path);
  g_free(plugin->problem);
  g_free(plugin);
}

static void skipped_dir_free(gpointer data) {
  skipped_dir *dir = data;
  g_free(dir->path);
  g_free(dir->reason);
  g_free(dir);
}

static void warn(nnlab_registry *registry, const char *format, ...)
    G_GNUC_PRINTF(2, 3);
static void warn(nnlab_registry *registry, const char *format, ...) {
  va_list args;
  va_start(args, format);
  /* Keep the array NULL-terminated for nnlab_registry_warnings. */
  g_ptr_array_index(registry->warnings, registry->warnings->len - 1) =
      g_strdup_vprintf(format, args);
  g_ptr_array_add(registry->warnings, NULL);
  va_end(args);
}

/* A directory not searched is a warning and, for listings that hide the
 * warnings, an entry of its own. */
static void skip_dir(nnlab_registry *registry, const char *dir,
                     const char *reason) {
  skipped_dir *skipped = g_new0(skipped_dir, 1);
  skipped->path = g_strdup(dir);
  skipped->reason = g_strdup(reason);
  g_ptr_array_add(registry->skipped_dirs, skipped);
  warn(registry, "%s: %s; skipped", dir, reason);
}

static nnlab_plugin *add_broken(nnlab_registry *registry, const char *path,
                                const char *problem) {
  nnlab_plugin *plugin = g_new0(nnlab_plugin, 1);
  plugin->path = g_strdup(path);
  plugin->problem = g_strdup(problem);
  g_ptr_array_add(registry->plugins, plugin);
  warn(registry, "%s: %s; skipped", path, problem);
  return plugin;
}

static const nnlab_plugin *find_usable(const nnlab_registry *registry,
                                       nnlab_plugin_kind kind,
                                       const char *name) {
  for (guint i = 0; i < registry->plugins->len; i++) {
    const nnlab_plugin *p = g_ptr_array_index(registry->plugins, i);
    if (p->info && p->info->kind == kind && strcmp(p->info->name, name) == 0)
      return p;
  }
  return NULL;
}

/* The descriptor as this host reads it: the fields appended after the
 * plugin's ABI minor are 0 (undeclared), never read past the end of the
 * plugin's shorter struct. */
static void copy_descriptor(const nnlab_plugin_info *info, uint32_t abi_minor,
                            nnlab_plugin_info *out) {
  memset(out, 0, sizeof *out);
  size_t known = abi_minor >= 2
                     ? sizeof *out
                     : offsetof(nnlab_plugin_info, activation_properties);
  memcpy(out, info, known);
}

/* Loads one file: ELF check, dlopen, ABI check, descriptor check, then
 * shadowing by an earlier plugin of the same kind and name. The handle is
 * never closed: descriptors point into the library. */
static void load_plugin(nnlab_registry *registry, const char *path) {
  g_autoptr(GError) error = NULL;
  if (!plugin_validate_elf(path, &error)) {
    add_broken(registry, path, error->message);
    return;
  }
  void *handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    g_autofree char *reason = g_strdup_printf("cannot load: %s", dlerror());
    add_broken(registry, path, reason);
    return;
  }
  nnlab_plugin_abi_fn abi =
      (nnlab_plugin_abi_fn)dlsym(handle, NNLAB_PLUGIN_ABI_SYMBOL);
  nnlab_plugin_describe_fn describe =
      (nnlab_plugin_describe_fn)dlsym(handle, NNLAB_PLUGIN_DESCRIBE_SYMBOL);
  if (!abi || !describe) {
    g_autofree char *reason = g_strdup_printf(
        "missing entry symbol %s (is it built with NNLAB_PLUGIN()?)",
        abi ? NNLAB_PLUGIN_DESCRIBE_SYMBOL : NNLAB_PLUGIN_ABI_SYMBOL);
    add_broken(registry, path, reason);
    return;
  }
  const nnlab_abi_info *abi_info = abi();
  if (!plugin_validate_abi(abi_info, &error)) {
    add_broken(registry, path, error->message);
    return;
  }
  const nnlab_plugin_info *described = describe();
  nnlab_plugin_info copy;
  if (described) copy_descriptor(described, abi_info->abi_minor, &copy);
  const nnlab_plugin_info *info = described ? &copy : NULL;
  if (!plugin_validate_descriptor(info, &error)) {
    g_autofree char *reason =
        g_strdup_printf("invalid descriptor: %s", error->message);
    add_broken(registry, path, reason);
    return;
  }
  const nnlab_plugin *earlier = find_usable(registry, info->kind, info->name);
  if (earlier) {
    nnlab_plugin *shadowed = g_new0(nnlab_plugin, 1);
    shadowed->path = g_strdup(path);
    shadowed->problem = g_strdup_printf(
        "%s '%s' is shadowed by %s, which comes first in the search path",
        nnlab_kind_name(info->kind), info->name, earlier->path);
    g_ptr_array_add(registry->plugins, shadowed);
    warn(registry, "%s: %s", path, shadowed->problem);
    return;
  }
  nnlab_plugin *plugin = g_new0(nnlab_plugin, 1);
  plugin->path = g_strdup(path);
  plugin->descriptor = copy;
  plugin->info = &plugin->descriptor;
  g_ptr_array_add(registry->plugins, plugin);
}

static gint compare_strings(gconstpointer a, gconstpointer b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Adds every *.so in dir to candidates, in name order so results do not
 * depend on the file system's listing order. */
static void scan_directory(nnlab_registry *registry, const char *dir,
                           GPtrArray *candidates) {
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) listing = g_dir_open(dir, 0, &error);
  if (!listing) {
    g_autofree char *reason =
        g_strdup_printf("cannot read plugin directory: %s", error->message);
    skip_dir(registry, dir, reason);
    return;
  }
  if (!plugin_path_trusted(dir, &error)) {
    g_autofree char *reason =
        g_strdup_printf("plugin directory %s", error->message);
    skip_dir(registry, dir, reason);
    return;
  }
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
  const char *name;
  while ((name = g_dir_read_name(listing)))
    if (g_str_has_suffix(name, ".so")) g_ptr_array_add(names, g_strdup(name));
  g_ptr_array_sort(names, compare_strings);
  for (guint i = 0; i < names->len; i++) {
    char *path = g_build_filename(dir, g_ptr_array_index(names, i), NULL);
    if (g_file_test(path, G_FILE_TEST_IS_REGULAR))
      g_ptr_array_add(candidates, path);
    else
      g_free(path);
  }
}

/* Scans dirs in order. optional_dir, if one of them, is skipped without a
 * warning while it does not exist: users create it only when they need it. */
static nnlab_registry *registry_new(const char *const *dirs,
                                    const char *optional_dir) {
  nnlab_registry *registry = g_new0(nnlab_registry, 1);
  registry->search_path = g_strdupv((char **)dirs);
  registry->plugins = g_ptr_array_new_with_free_func(plugin_free);
  registry->warnings = g_ptr_array_new_with_free_func(g_free);
  g_ptr_array_add(registry->warnings, NULL);
  registry->skipped_dirs = g_ptr_array_new_with_free_func(skipped_dir_free);
  g_autoptr(GPtrArray) candidates = g_ptr_array_new_with_free_func(g_free);
  for (size_t i = 0; dirs && dirs[i]; i++) {
    if (g_file_test(dirs[i], G_FILE_TEST_IS_REGULAR))
      g_ptr_array_add(candidates, g_strdup(dirs[i]));
    else if (g_strcmp0(dirs[i], optional_dir) != 0 ||
             g_file_test(dirs[i], G_FILE_TEST_EXISTS))
      scan_directory(registry, dirs[i], candidates);
  }
  /* No code runs from a file another user could have changed, not even in
   * the scanner; files that crash or hang the scanner never load here. */
  g_autoptr(GHashTable) refused =
      g_hash_table_new_full(g_str_hash, g_str_equal, NULL, g_free);
  g_autoptr(GPtrArray) trusted = g_ptr_array_new();
  for (guint i = 0; i < candidates->len; i++) {
    char *path = g_ptr_array_index(candidates, i);
    GError *error = NULL;
    if (plugin_path_trusted(path, &error)) {
      g_ptr_array_add(trusted, path);
    } else {
      g_hash_table_insert(refused, path, g_strdup(error->message));
      g_error_free(error);
    }
  }
  g_autoptr(GHashTable) broken = plugin_scan(trusted);
  for (guint i = 0; i < candidates->len; i++) {
    const char *path = g_ptr_array_index(candidates, i);
    const char *reason = g_hash_table_lookup(refused, path);
    if (!reason) reason = g_hash_table_lookup(broken, path);
    if (reason)
      add_broken(registry, path, reason);
    else
      load_plugin(registry, path);
  }
  return registry;
}

nnlab_registry *nnlab_registry_new(const char *const *dirs) {
  return registry_new(dirs, NULL);
}

nnlab_registry *nnlab_registry_new_default(void) {
  g_autoptr(GPtrArray) dirs = g_ptr_array_new_with_free_func(g_free);
  GList *relative = NULL;
  const char *env = g_getenv("NNLAB_PLUGIN_PATH");
  if (env) {
    g_auto(GStrv) parts = g_strsplit(env, ":", -1);
    for (int i = 0; parts[i]; i++) {
      if (!parts[i][0]) continue; /* an empty entry must not mean "." */
      if (!g_path_is_absolute(parts[i])) {
        relative = g_list_append(relative, g_strdup(parts[i]));
        continue;
      }
      g_ptr_array_add(dirs, g_strdup(parts[i]));
    }
  }
  /* A user's own plugins, installed without root: directly in the
   * directory, since each plugin declares its kind. */
  char *user_dir =
      g_build_filename(g_get_user_data_dir(), "nnlab", "plugins", NULL);
  g_ptr_array_add(dirs, user_dir);
  g_auto(GStrv) builtin = nnlab_builtin_plugin_dirs();
  for (int i = 0; builtin[i]; i++) g_ptr_array_add(dirs, g_strdup(builtin[i]));
  g_ptr_array_add(dirs, NULL);
  nnlab_registry *registry =
      registry_new((const char *const *)dirs->pdata, user_dir);
  /* Relative entries would load code from wherever nnlab is started. */
  for (GList *l = relative; l; l = l->next)
    skip_dir(registry, l->data,
             "relative directory in NNLAB_PLUGIN_PATH ignored (plugins load "
             "only from absolute paths, never the current directory)");
  g_list_free_full(relative, g_free);
  return registry;
}

void nnlab_registry_free(nnlab_registry *registry) {
  if (!registry) return;
  g_strfreev(registry->search_path);
  g_ptr_array_unref(registry->plugins);
  g_ptr_array_unref(registry->warnings);
  g_ptr_array_unref(registry->skipped_dirs);
  g_free(registry);
}

const char *const *nnlab_registry_search_path(const nnlab_registry *registry) {
  return (const char *const *)registry->search_path;
}

const char *const *nnlab_registry_warnings(const nnlab_registry *registry) {
  return (const char *const *)registry->warnings->pdata;
}

size_t nnlab_registry_n_skipped_dirs(const nnlab_registry *registry) {
  g_return_val_if_fail(registry != NULL, 0);
  return registry->skipped_dirs->len;
}

const char *nnlab_registry_skipped_dir(const nnlab_registry *registry,
                                       size_t index, const char **reason) {
  g_return_val_if_fail(registry != NULL, NULL);
  if (index >= registry->skipped_dirs->len) return NULL;
  const skipped_dir *dir = g_ptr_array_index(registry->skipped_dirs, index);
  if (reason) *reason = dir->reason;
  return dir->path;
}

size_t nnlab_registry_count(const nnlab_registry *registry) {
  return registry->plugins->len;
}

const nnlab_plugin *nnlab_registry_get(const nnlab_registry *registry,
                                       size_t index) {
  return index < registry->plugins->len
             ? g_ptr_array_index(registry->plugins, index)
             : NULL;
}

/* Error for a missing plugin: the nearest name and where we looked. */
/* Directories of the search path a "not found" error lists; a long
 * NNLAB_PLUGIN_PATH is summarized, and each directory cut to an excerpt,
 * so that the error stays one short line. */
#define SEARCHED_DIRS_SHOWN 4

static char *describe_search_path(char **dirs) {
  size_t n = dirs ? g_strv_length(dirs) : 0;
  if (n == 0) return g_strdup("(no directories)");
  GString *out = g_string_new(NULL);
  for (size_t i = 0; i < n && i < SEARCHED_DIRS_SHOWN; i++) {
    g_autofree char *dir = nnlab_excerpt(dirs[i]);
    g_string_append_printf(out, "%s%s", i ? ":" : "", dir);
  }
  if (n > SEARCHED_DIRS_SHOWN)
    g_string_append_printf(out, " and %zu more directories",
                           n - SEARCHED_DIRS_SHOWN);
  return g_string_free(out, FALSE);
}

static void set_not_found(const nnlab_registry *registry, gboolean any_kind,
                          nnlab_plugin_kind kind, const char *name,
                          GError **error) {
  g_autoptr(GPtrArray) names = g_ptr_array_new();
  for (guint i = 0; i < registry->plugins->len; i++) {
    const nnlab_plugin *p = g_ptr_array_index(registry->plugins, i);
    if (p->info && (any_kind || p->info->kind == kind))
      g_ptr_array_add(names, (gpointer)p->info->name);
  }
  g_ptr_array_add(names, NULL);
  g_autofree char *hint = suggest_hint(name, (const char *const *)names->pdata);
  g_autofree char *searched = describe_search_path(registry->search_path);
  g_autofree char *shown = nnlab_excerpt(name);
  g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_NOT_FOUND,
              "no %s%splugin named '%s'%s; searched %s",
              any_kind ? "" : nnlab_kind_name(kind), any_kind ? "" : " ", shown,
              hint, searched);
}

const nnlab_plugin *nnlab_registry_find(const nnlab_registry *registry,
                                        nnlab_plugin_kind kind,
                                        const char *name, GError **error) {
  const nnlab_plugin *plugin = find_usable(registry, kind, name);
  if (!plugin) set_not_found(registry, FALSE, kind, name, error);
  return plugin;
}

const nnlab_plugin *nnlab_registry_find_any(const nnlab_registry *registry,
                                            const char *name, GError **error) {
  for (guint i = 0; i < registry->plugins->len; i++) {
    const nnlab_plugin *p = g_ptr_array_index(registry->plugins, i);
    if (p->info && strcmp(p->info->name, name) == 0) return p;
  }
  set_not_found(registry, TRUE, 0, name, error);
  return NULL;
}

const nnlab_plugin_info *nnlab_plugin_get_info(const nnlab_plugin *plugin) {
  return plugin->info;
}

const char *nnlab_plugin_get_path(const nnlab_plugin *plugin) {
  return plugin->path;
}

const char *nnlab_plugin_get_problem(const nnlab_plugin *plugin) {
  return plugin->problem;
}
