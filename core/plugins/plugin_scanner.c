/* nnlab-plugin-scanner: loads plugin files on behalf of libnnlab, in its
 * own process, so that a plugin that crashes or hangs while loading or
 * being tested cannot take the caller down. It only reports, line by line;
 * what to accept is the caller's decision. */

/*   nnlab-plugin-scanner FILE...         BEGIN/OK/BROKEN lines per file
 *   nnlab-plugin-scanner --check TARGET [--no-sweep]
 *                                        the plugins check battery; TARGET
 *                                        is NAME or FILE.so, either with
 *                                        "(key=value, ...)" to check that
 *                                        setting alone
 *
 * One line per event on standard output, flushed at once, so the caller
 * knows which file or check was running if this process dies. */
#include <stdio.h>
#include <string.h>

#include <nnlab/component.h>
#include <nnlab/hparams.h>
#include <nnlab/registry.h>

#include "plugins/plugin_check_battery.h"

static void emit(const char *kind, const char *text) {
  g_autofree char *clean = g_strdup(text ? text : "");
  g_strdelimit(clean, "\n\r", ' ');
  printf("%s %s\n", kind, clean);
  fflush(stdout);
}

static void scan_file(const char *path) {
  emit("BEGIN", path);
  const char *const files[] = {path, NULL};
  nnlab_registry *registry = nnlab_registry_new(files);
  const nnlab_plugin *plugin =
      nnlab_registry_count(registry) ? nnlab_registry_get(registry, 0) : NULL;
  if (plugin && nnlab_plugin_get_info(plugin)) {
    emit("OK", path);
  } else {
    const char *problem = plugin ? nnlab_plugin_get_problem(plugin) : NULL;
    g_autofree char *line =
        g_strdup_printf("%s\t%s", path, problem ? problem : "not a plugin");
    emit("BROKEN", line);
  }
  nnlab_registry_free(registry);
}

static void begin_check(check_sink *sink, const char *name) {
  (void)sink;
  emit("BEGIN", name);
}

static void check_result(check_sink *sink, const char *name, gboolean passed,
                         const char *detail) {
  (void)sink;
  g_autofree char *line = g_strdup_printf("%s\t%s", name, detail ? detail : "");
  emit(passed ? "PASS" : "FAIL", line);
}

/* Splits "NAME(key=value, ...)" into the name, returned, and the
 * assignments; *assignments is NULL for a bare name. */
static char *split_spec(const char *target, char **assignments) {
  g_autofree char *text = g_strstrip(g_strdup(target));
  char *open = strchr(text, '(');
  size_t len = strlen(text);
  *assignments = NULL;
  if (!open || len == 0 || text[len - 1] != ')') return g_steal_pointer(&text);
  text[len - 1] = '\0';
  *assignments = g_strdup(open + 1);
  *open = '\0';
  return g_strdup(g_strstrip(text));
}

/* Runs the battery at the spec's setting, or at the defaults and then the
 * sweep. */
static void check_plugin(const nnlab_plugin *plugin, const char *assignments,
                         gboolean sweep) {
  const nnlab_plugin_info *info = nnlab_plugin_get_info(plugin);
  nnlab_component component = {info, nnlab_hparams_new_defaults(info)};
  g_autoptr(GError) error = NULL;
  if (assignments && !nnlab_component_apply(&component, assignments, &error)) {
    emit("ERROR", error->message);
    nnlab_component_clear(&component);
    return;
  }
  g_autofree char *description =
      g_strdup_printf("%s '%s' %s (%s)", nnlab_kind_name(info->kind),
                      info->name, info->version, nnlab_plugin_get_path(plugin));
  emit("PLUGIN", description);
  g_autofree char *setting = nnlab_component_format(&component);
  emit("SETTING", setting);
  check_sink sink = {begin_check, check_result, NULL};
  size_t settings = plugin_check_battery(info, component.hparams,
                                         sweep && !assignments, &sink);
  g_autofree char *count = g_strdup_printf("%zu", settings);
  emit("SETTINGS", count);
  emit("END", "");
  nnlab_component_clear(&component);
}

/* The plugin named target, or the plugin file target, either with
 * hyperparameters. */
static int check_target(const char *spec, gboolean sweep) {
  g_autofree char *assignments = NULL;
  g_autofree char *target = split_spec(spec, &assignments);
  gboolean is_file = strchr(target, '/') || g_str_has_suffix(target, ".so");
  g_autoptr(GError) error = NULL;
  nnlab_registry *registry = NULL;
  const nnlab_plugin *plugin = NULL;
  if (is_file) {
    const char *const files[] = {target, NULL};
    registry = nnlab_registry_new(files);
    plugin =
        nnlab_registry_count(registry) ? nnlab_registry_get(registry, 0) : NULL;
  } else {
    registry = nnlab_registry_new_default();
    plugin = nnlab_registry_find_any(registry, target, &error);
  }
  const nnlab_plugin_info *info = plugin ? nnlab_plugin_get_info(plugin) : NULL;
  if (!info)
    emit("LOADERROR", error    ? error->message
                      : plugin ? nnlab_plugin_get_problem(plugin)
                               : "not a plugin file");
  else
    check_plugin(plugin, assignments, sweep);
  nnlab_registry_free(registry);
  return 0;
}

int main(int argc, char **argv) {
  /* This process loads plugins itself rather than asking another scanner. */
  g_setenv("NNLAB_PLUGIN_SCANNER", "0", TRUE);
  if (argc == 3 && strcmp(argv[1], "--check") == 0)
    return check_target(argv[2], TRUE);
  if (argc == 4 && strcmp(argv[1], "--check") == 0 &&
      strcmp(argv[3], "--no-sweep") == 0)
    return check_target(argv[2], FALSE);
  if (argc < 2 || argv[1][0] == '-') {
    fprintf(stderr,
            "Usage: nnlab-plugin-scanner FILE... | --check NAME|FILE.so "
            "[--no-sweep]\n"
            "A helper of libnnlab; see nnlab plugins --help.\n");
    return 2;
  }
  for (int i = 1; i < argc; i++) scan_file(argv[i]);
  return 0;
}
