/* nnlab plugins: list the registry, show one plugin's descriptor, or check
 * a plugin. Properties, ranges and defaults are shown as the descriptor
 * declares them; the check runs the plugin in a child process, never in
 * this one. */
#include <stdio.h>
#include <string.h>

#include <nnlab/nnlab.h>

#include "commands.h"
#include "error_output.h"
#include "json_output.h"
#include "option_parsing.h"
#include "registry_loading.h"

static gboolean as_json = FALSE;
static char *kind_filter = NULL;

static double timeout_seconds = 10;
static gboolean no_sweep = FALSE;

static GOptionEntry entries[] = {
    {"json", 0, 0, G_OPTION_ARG_NONE, &as_json, "Print JSON", NULL},
    {"timeout", 't', 0, G_OPTION_ARG_DOUBLE, &timeout_seconds,
     "check: give up on a plugin after this many seconds (default 10)", "S"},
    {"no-sweep", 0, 0, G_OPTION_ARG_NONE, &no_sweep,
     "check: only the defaults, not settings spread over each "
     "hyperparameter's range",
     NULL},
    {"kind", 'k', 0, G_OPTION_ARG_STRING, &kind_filter,
     "Only plugins of this kind (activation, loss, optimizer)", "KIND"},
    G_OPTION_ENTRY_NULL};

static void list_json(const nnlab_registry *registry, gboolean has_kind,
                      nnlab_plugin_kind kind) {
  g_autoptr(JsonBuilder) b = json_builder_new();
  json_builder_begin_object(b);
  json_builder_set_member_name(b, "search_path");
  json_builder_begin_array(b);
  const char *const *dirs = nnlab_registry_search_path(registry);
  for (size_t i = 0; dirs[i]; i++) json_builder_add_string_value(b, dirs[i]);
  json_builder_end_array(b);
  json_builder_set_member_name(b, "plugins");
  json_builder_begin_array(b);
  for (size_t i = 0; i < nnlab_registry_count(registry); i++) {
    const nnlab_plugin *p = nnlab_registry_get(registry, i);
    const nnlab_plugin_info *info = nnlab_plugin_get_info(p);
    if (has_kind && (!info || info->kind != kind)) continue;
    json_builder_begin_object(b);
    json_add_string_member(b, "kind",
                           info ? nnlab_kind_name(info->kind) : NULL);
    json_add_string_member(b, "name", info ? info->name : NULL);
    json_add_string_member(b, "version", info ? info->version : NULL);
    json_add_string_member(b, "description", info ? info->description : NULL);
    json_add_string_member(b, "file", nnlab_plugin_get_path(p));
    json_add_string_member(b, "status", info ? "ok" : "broken");
    json_add_string_member(b, "problem", nnlab_plugin_get_problem(p));
    json_builder_end_object(b);
  }
  json_builder_end_array(b);
  json_builder_set_member_name(b, "skipped_directories");
  json_builder_begin_array(b);
  for (size_t i = 0; i < nnlab_registry_n_skipped_dirs(registry); i++) {
    const char *reason = NULL;
    const char *dir = nnlab_registry_skipped_dir(registry, i, &reason);
    json_builder_begin_object(b);
    json_add_string_member(b, "directory", dir);
    json_add_string_member(b, "problem", reason);
    json_builder_end_object(b);
  }
  json_builder_end_array(b);
  json_builder_end_object(b);
  print_json(b);
}

/* Directories on the search path that were not searched: the registry's
 * warnings are hidden here, so this is the one place they show. */
static void list_skipped_dirs(const nnlab_registry *registry) {
  size_t n = nnlab_registry_n_skipped_dirs(registry);
  if (n == 0) return;
  printf("\nDirectories not searched:\n");
  for (size_t i = 0; i < n; i++) {
    const char *reason = NULL;
    const char *dir = nnlab_registry_skipped_dir(registry, i, &reason);
    printf("  %s\n    %s\n", dir, reason);
  }
}

static void list_text(const nnlab_registry *registry, gboolean has_kind,
                      nnlab_plugin_kind kind) {
  printf("%-10s  %-20s  %-7s  %s\n", "KIND", "NAME", "VERSION",
         "DESCRIPTION / FILE");
  size_t broken = 0;
  for (size_t i = 0; i < nnlab_registry_count(registry); i++) {
    const nnlab_plugin *p = nnlab_registry_get(registry, i);
    const nnlab_plugin_info *info = nnlab_plugin_get_info(p);
    if (!info) {
      broken++;
      continue;
    }
    if (has_kind && info->kind != kind) continue;
    printf("%-10s  %-20s  %-7s  %s\n%-42s  %s\n", nnlab_kind_name(info->kind),
           info->name, info->version, info->description, "",
           nnlab_plugin_get_path(p));
  }
  if (broken > 0 && !has_kind) {
    printf("\nNot loaded:\n");
    for (size_t i = 0; i < nnlab_registry_count(registry); i++) {
      const nnlab_plugin *p = nnlab_registry_get(registry, i);
      if (!nnlab_plugin_get_info(p))
        printf("  %s\n    %s\n", nnlab_plugin_get_path(p),
               nnlab_plugin_get_problem(p));
    }
  }
  /* Any kind of plugin may be in a directory that was not searched. */
  list_skipped_dirs(registry);
}

static void add_hparam_json(JsonBuilder *b, const nnlab_hparam *spec,
                            const nnlab_value *value) {
  g_autofree char *range = nnlab_hparam_format_range(spec);
  json_builder_begin_object(b);
  json_add_string_member(b, "name", spec->name);
  json_add_string_member(b, "type", nnlab_hparam_type_name(spec->type));
  json_builder_set_member_name(b, "default");
  json_add_hparam_value(b, spec, value);
  json_add_string_member(b, "range", range);
  json_add_string_member(b, "help", spec->help);
  json_builder_end_object(b);
}

static void show_json(const nnlab_plugin *plugin) {
  const nnlab_plugin_info *info = nnlab_plugin_get_info(plugin);
  g_autofree nnlab_value *defaults = nnlab_hparams_new_defaults(info);
  g_autoptr(JsonBuilder) b = json_builder_new();
  json_builder_begin_object(b);
  json_add_string_member(b, "kind", nnlab_kind_name(info->kind));
  json_add_string_member(b, "name", info->name);
  json_add_string_member(b, "version", info->version);
  json_add_string_member(b, "description", info->description);
  json_add_string_member(b, "file", nnlab_plugin_get_path(plugin));
  json_builder_set_member_name(b, "hyperparameters");
  json_builder_begin_array(b);
  for (size_t i = 0; i < info->n_hparams; i++)
    add_hparam_json(b, &info->hparams[i], &defaults[i]);
  json_builder_end_array(b);
  if (info->kind == NNLAB_KIND_OPTIMIZER) {
    json_builder_set_member_name(b, "slots");
    json_builder_begin_array(b);
    for (size_t i = 0; i < NNLAB_MAX_SLOTS && info->optimizer.slot_names[i];
         i++)
      json_builder_add_string_value(b, info->optimizer.slot_names[i]);
    json_builder_end_array(b);
  }
  if (info->kind == NNLAB_KIND_LOSS) {
    json_builder_set_member_name(b, "targets");
    json_builder_begin_array(b);
    if (info->loss.targets & NNLAB_LOSS_FLOAT_TARGETS)
      json_builder_add_string_value(b, "float");
    if (info->loss.targets & NNLAB_LOSS_CLASS_TARGETS)
      json_builder_add_string_value(b, "class");
    json_builder_end_array(b);
    const nnlab_loss_properties *l = &info->loss_properties;
    json_add_string_member(b, "expects", nnlab_loss_input_name(l->input));
    json_builder_set_member_name(b, "needs_class_labels");
    json_builder_add_boolean_value(
        b, (l->needs & NNLAB_LOSS_NEEDS_CLASS_LABELS) != 0);
    json_builder_set_member_name(b, "needs_output_per_class");
    json_builder_add_boolean_value(
        b, (l->needs & NNLAB_LOSS_NEEDS_OUTPUT_PER_CLASS) != 0);
  }
  if (info->kind == NNLAB_KIND_ACTIVATION) {
    const nnlab_activation_properties *a = &info->activation_properties;
    json_add_string_member(b, "output", nnlab_output_kind_name(a->output));
    json_add_string_member(b, "unit_failure",
                           nnlab_unit_failure_name(a->failure));
    if (a->failure == NNLAB_UNIT_FAILURE_SATURATES) {
      json_builder_set_member_name(b, "bounds");
      json_builder_begin_array(b);
      json_builder_add_double_value(b, a->lower_bound);
      json_builder_add_double_value(b, a->upper_bound);
      json_builder_end_array(b);
    }
    json_builder_set_member_name(b, "rowwise");
    json_builder_add_boolean_value(
        b, (info->activation.flags & NNLAB_ACTIVATION_ROWWISE) != 0);
    json_builder_set_member_name(b, "inplace_safe");
    json_builder_add_boolean_value(
        b, (info->activation.flags & NNLAB_ACTIVATION_INPLACE_SAFE) != 0);
  }
  json_builder_end_object(b);
  print_json(b);
}

/* What inspect counts for the units, in words. */
static char *describe_failure(const nnlab_activation_properties *a) {
  switch (a->failure) {
    case NNLAB_UNIT_FAILURE_DIES:
      return g_strdup("die when their output is <= 0 on every row");
    case NNLAB_UNIT_FAILURE_SATURATES:
      return g_strdup_printf("saturate within %g of %g or %g",
                             NNLAB_SATURATION_MARGIN, a->lower_bound,
                             a->upper_bound);
    case NNLAB_UNIT_FAILURE_NONE:
      return g_strdup("nothing for inspect to count");
    default:
      return g_strdup("undeclared");
  }
}

/* Properties (ABI minor 2); a plugin built before says it declares none. */
static void show_properties_text(const nnlab_plugin_info *info) {
  if (info->kind == NNLAB_KIND_ACTIVATION) {
    const nnlab_activation_properties *a = &info->activation_properties;
    g_autofree char *failure = describe_failure(a);
    printf("  outputs: %s\n  units: %s\n", nnlab_output_kind_name(a->output),
           failure);
  }
  if (info->kind == NNLAB_KIND_LOSS) {
    const nnlab_loss_properties *l = &info->loss_properties;
    printf(
        "  expects: %s%s%s\n", nnlab_loss_input_name(l->input),
        l->needs & NNLAB_LOSS_NEEDS_CLASS_LABELS ? "; needs class labels" : "",
        l->needs & NNLAB_LOSS_NEEDS_OUTPUT_PER_CLASS ? "; one output per class"
                                                     : "");
  }
}

static void show_text(const nnlab_plugin *plugin) {
  const nnlab_plugin_info *info = nnlab_plugin_get_info(plugin);
  g_autofree nnlab_value *defaults = nnlab_hparams_new_defaults(info);
  printf("%s %s (%s)\n  %s\n  file: %s\n", info->name, info->version,
         nnlab_kind_name(info->kind), info->description,
         nnlab_plugin_get_path(plugin));
  if (info->kind == NNLAB_KIND_ACTIVATION)
    printf("  %s, %s\n",
           info->activation.flags & NNLAB_ACTIVATION_ROWWISE ? "row-wise"
                                                             : "elementwise",
           info->activation.flags & NNLAB_ACTIVATION_INPLACE_SAFE
               ? "safe in place"
               : "needs separate output buffers");
  if (info->kind == NNLAB_KIND_LOSS)
    printf(
        "  targets: %s%s%s\n",
        info->loss.targets & NNLAB_LOSS_FLOAT_TARGETS ? "float values" : "",
        info->loss.targets ==
                (NNLAB_LOSS_FLOAT_TARGETS | NNLAB_LOSS_CLASS_TARGETS)
            ? ", "
            : "",
        info->loss.targets & NNLAB_LOSS_CLASS_TARGETS ? "class indices" : "");
  show_properties_text(info);
  if (info->kind == NNLAB_KIND_OPTIMIZER) {
    printf("  state slots:");
    for (size_t i = 0; i < NNLAB_MAX_SLOTS && info->optimizer.slot_names[i];
         i++)
      printf(" %s", info->optimizer.slot_names[i]);
    printf("\n");
  }
  if (info->n_hparams == 0) {
    printf("\nNo hyperparameters.\n");
    return;
  }
  printf("\n  %-26s %-7s %-13s %-16s %s\n", "HYPERPARAMETER", "TYPE", "DEFAULT",
         "RANGE", "HELP");
  for (size_t i = 0; i < info->n_hparams; i++) {
    const nnlab_hparam *spec = &info->hparams[i];
    g_autofree char *value = nnlab_hparam_format_value(spec, &defaults[i]);
    g_autofree char *range = nnlab_hparam_format_range(spec);
    printf("  %-26s %-7s %-13s %-16s %s\n", spec->name,
           nnlab_hparam_type_name(spec->type), value, range, spec->help);
  }
}

/* nnlab plugins check: the battery in a child process. */
static int check_plugin(const char *target) {
  nnlab_check_report *report = nnlab_plugin_check_isolated_full(
      target, timeout_seconds, no_sweep ? NNLAB_CHECK_NO_SWEEP : 0);
  if (as_json) {
    g_autoptr(JsonBuilder) b = json_builder_new();
    json_builder_begin_object(b);
    json_add_string_member(b, "plugin", report->plugin);
    json_add_string_member(b, "setting", report->setting);
    json_builder_set_member_name(b, "settings");
    json_builder_add_int_value(b, (gint64)report->n_settings);
    json_builder_set_member_name(b, "passed");
    json_builder_add_boolean_value(b, report->passed);
    json_add_string_member(b, "failure", report->failure);
    json_builder_set_member_name(b, "checks");
    json_builder_begin_array(b);
    for (guint i = 0; i < report->checks->len; i++) {
      const nnlab_check *c = &g_array_index(report->checks, nnlab_check, i);
      json_builder_begin_object(b);
      json_add_string_member(b, "name", c->name);
      json_builder_set_member_name(b, "passed");
      json_builder_add_boolean_value(b, c->passed);
      json_add_string_member(b, "detail", c->detail);
      json_builder_end_object(b);
    }
    json_builder_end_array(b);
    json_builder_end_object(b);
    print_json(b);
  } else {
    printf("checking %s\n", report->plugin);
    if (report->setting && strchr(report->setting, '('))
      printf("  at %s%s\n", report->setting,
             report->n_settings > 1 ? ", then across each hyperparameter's "
                                      "range"
                                    : "");
    size_t failed = 0;
    for (guint i = 0; i < report->checks->len; i++) {
      const nnlab_check *c = &g_array_index(report->checks, nnlab_check, i);
      failed += !c->passed;
      printf("  %s  %s%s%s\n", c->passed ? "pass" : "FAIL", c->name,
             c->detail ? ": " : "", c->detail ? c->detail : "");
    }
    if (report->failure) printf("  FAIL  %s\n", report->failure);
    printf("%s: %zu of %u checks failed%s",
           report->passed ? "passed" : "FAILED", failed, report->checks->len,
           !report->failure          ? ""
           : report->checks->len > 0 ? ", and the plugin did not finish"
                                     : ": the checks did not run");
    if (report->n_settings > 1)
      printf(", %zu hyperparameter settings checked", report->n_settings);
    printf("\n");
  }
  int status = report->passed ? 0 : 1;
  nnlab_check_report_free(report);
  return status;
}

int cmd_plugins(int argc, char **argv) {
  g_autoptr(GOptionContext) context = g_option_context_new(
      "[show NAME | check SPEC|FILE.so] - list, show or test plugins");
  g_option_context_add_main_entries(context, entries, NULL);
  g_option_context_set_description(
      context,
      "Without arguments, lists every plugin file found: kind, name, version,\n"
      "description and file, then the files that could not be loaded and why.\n"
      "'show NAME' prints a plugin's hyperparameters with type, default,\n"
      "range and help, and the properties it declares: what an activation\n"
      "outputs and how its units fail, what a loss expects and needs.\n"
      "'check' runs the standard battery for the plugin's kind (finite\n"
      "differences, extremes, determinism, in-place safety, outputs within\n"
      "what it declares, an optimizer on a quadratic) in a child process, so\n"
      "a plugin that crashes or hangs is reported, not fatal; exit status 1\n"
      "when a check fails. It runs at the defaults, then again at settings\n"
      "spread over each hyperparameter's range (bounds, interior,\n"
      "log-spaced), one at a time; 'check \"snake(a=0.5)\"' checks that\n"
      "setting alone.\n");
  if (!parse_options(context, &argc, &argv)) return 2;
  nnlab_plugin_kind kind = 0;
  if (kind_filter && !nnlab_kind_from_name(kind_filter, &kind)) {
    g_autofree char *quoted = nnlab_excerpt(kind_filter);
    fprintf(stderr,
            "nnlab: error: --kind: unknown kind '%s'; expected activation, "
            "loss or optimizer\n",
            quoted);
    return 2;
  }
  gboolean show = argc >= 2 && strcmp(argv[1], "show") == 0;
  gboolean check = argc >= 2 && strcmp(argv[1], "check") == 0;
  if (((show || check) && argc != 3) || (!show && !check && argc != 1)) {
    fprintf(stderr,
            "nnlab: error: expected 'nnlab plugins', 'nnlab plugins show "
            "NAME' or 'nnlab plugins check SPEC|FILE.so' (try --help)\n");
    return 2;
  }
  if (check) return check_plugin(argv[2]);
  /* The listing shows the problems itself, so warnings would repeat it. */
  nnlab_registry *registry = open_registry(!show || as_json);
  int status = 0;
  if (show) {
    g_autoptr(GError) error = NULL;
    const nnlab_plugin *plugin =
        kind_filter ? nnlab_registry_find(registry, kind, argv[2], &error)
                    : nnlab_registry_find_any(registry, argv[2], &error);
    if (!plugin)
      status = report_error(error);
    else if (as_json)
      show_json(plugin);
    else
      show_text(plugin);
  } else if (as_json) {
    list_json(registry, kind_filter != NULL, kind);
  } else {
    list_text(registry, kind_filter != NULL, kind);
  }
  nnlab_registry_free(registry);
  return status;
}
