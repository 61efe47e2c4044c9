/* The plugin registry: finds, validates and loads plugins. */
#ifndef NNLAB_REGISTRY_H
#define NNLAB_REGISTRY_H

#include <nnlab/common.h>

G_BEGIN_DECLS

typedef struct nnlab_registry nnlab_registry;
/* One file the registry looked at: a usable plugin, or a broken or
 * shadowed one with the reason. */
typedef struct nnlab_plugin nnlab_plugin;

/* Scans $NNLAB_PLUGIN_PATH (colon-separated) first, then the per-user
 * directory $XDG_DATA_HOME/nnlab/plugins (~/.local/share/nnlab/plugins by
 * default; plugins directly in it, skipped silently while it does not
 * exist), then the built-in plugin directories. Never fails: problems
 * become warnings. */
NNLAB_API nnlab_registry *nnlab_registry_new_default(void);
/* Scans exactly the given NULL-terminated list of directories, in order;
 * an entry that is a file is loaded as one plugin. */
NNLAB_API nnlab_registry *nnlab_registry_new(const char *const *dirs);
NNLAB_API void nnlab_registry_free(nnlab_registry *registry);

/* The directories searched, in order (NULL-terminated). */
NNLAB_API const char *const *nnlab_registry_search_path(
    const nnlab_registry *registry);
/* The built-in plugin directories for this build of libnnlab: the build
 * tree's when running from it, the installed ones otherwise. Free with
 * g_strfreev. */
NNLAB_API char **nnlab_builtin_plugin_dirs(void);

/* One line per problem found while scanning: "FILE: what is wrong". */
NNLAB_API const char *const *nnlab_registry_warnings(
    const nnlab_registry *registry);

/* Directories that were not searched: unreadable ones and ones another
 * user could change (refused, as such plugin files are), in search order,
 * then relative entries of NNLAB_PLUGIN_PATH. Each is also a warning;
 * listings that show problems themselves use these instead. The index-th
 * directory, with why in *reason (may be NULL); NULL past the end. */
NNLAB_API size_t nnlab_registry_n_skipped_dirs(const nnlab_registry *registry);
NNLAB_API const char *nnlab_registry_skipped_dir(const nnlab_registry *registry,
                                                 size_t index,
                                                 const char **reason);

/* Every plugin file seen, usable or not, in search order. */
NNLAB_API size_t nnlab_registry_count(const nnlab_registry *registry);
NNLAB_API const nnlab_plugin *nnlab_registry_get(const nnlab_registry *registry,
                                                 size_t index);

/* The usable plugin of this kind and name. On failure the error says what
 * was searched and suggests the nearest name. */
NNLAB_API const nnlab_plugin *nnlab_registry_find(
    const nnlab_registry *registry, nnlab_plugin_kind kind, const char *name,
    GError **error);
/* The usable plugin of any kind with this name (first in search order). */
NNLAB_API const nnlab_plugin *nnlab_registry_find_any(
    const nnlab_registry *registry, const char *name, GError **error);

/* The descriptor, or NULL for a broken or shadowed plugin. */
NNLAB_API const nnlab_plugin_info *nnlab_plugin_get_info(
    const nnlab_plugin *plugin);
NNLAB_API const char *nnlab_plugin_get_path(const nnlab_plugin *plugin);
/* Why the plugin is not usable, or NULL if it is. */
NNLAB_API const char *nnlab_plugin_get_problem(const nnlab_plugin *plugin);

G_END_DECLS

#endif
