/* nnlab plugins check: the battery of plugin_check_battery.h run in this
 * process (for the scanner's --check), or in the scanner as a child
 * process, its lines parsed into a report. The isolated check never loads
 * the plugin into the calling process. */
#include <string.h>

#include <nnlab/component.h>
#include <nnlab/hparams.h>
#include <nnlab/plugin_check.h>

#include "plugins/plugin_check_battery.h"
#include "plugins/plugin_scan.h"
#include "base/subprocess.h"

static void add_check(nnlab_check_report *report, const char *name,
                      gboolean passed, const char *detail) {
  /* Details explain failures; a passing check needs none. */
  nnlab_check check = {g_strdup(name), passed,
                       detail && !passed ? g_strdup(detail) : NULL};
  g_array_append_val(report->checks, check);
  if (!passed) report->passed = FALSE;
}

static nnlab_check_report *report_new(void) {
  nnlab_check_report *report = g_new0(nnlab_check_report, 1);
  report->checks = g_array_new(FALSE, TRUE, sizeof(nnlab_check));
  report->passed = TRUE;
  return report;
}

void nnlab_check_report_free(nnlab_check_report *report) {
  if (!report) return;
  for (guint i = 0; i < report->checks->len; i++) {
    nnlab_check *check = &g_array_index(report->checks, nnlab_check, i);
    g_free(check->name);
    g_free(check->detail);
  }
  g_array_unref(report->checks);
  g_free(report->plugin);
  g_free(report->failure);
  g_free(report->setting);
  g_free(report);
}

static void begin_nothing(check_sink *sink, const char *name) {
  (void)sink;
  (void)name;
}

static void result_into_report(check_sink *sink, const char *name,
                               gboolean passed, const char *detail) {
  add_check(sink->data, name, passed, detail);
}

void nnlab_plugin_check_run(const nnlab_plugin_info *info,
                            nnlab_check_report *report) {
  check_sink sink = {begin_nothing, result_into_report, report};
  g_autofree nnlab_value *defaults = nnlab_hparams_new_defaults(info);
  nnlab_component component = {info, defaults};
  g_free(report->setting);
  report->setting = nnlab_component_format(&component);
  report->n_settings = plugin_check_battery(info, NULL, TRUE, &sink);
}

/* ---- The parent's side. ------------------------------------------------- */

static void parse_line(nnlab_check_report *report, char *line, char **running,
                       gboolean *ended) {
  char *space = strchr(line, ' ');
  if (!space) return;
  *space = '\0';
  const char *kind = line, *rest = space + 1;
  if (strcmp(kind, "PLUGIN") == 0) {
    g_free(report->plugin);
    report->plugin = g_strdup(rest);
  } else if (strcmp(kind, "LOADERROR") == 0) {
    report->failure = g_strdup_printf("cannot load: %s", rest);
    report->passed = FALSE;
  } else if (strcmp(kind, "ERROR") == 0) {
    report->failure = g_strdup(rest);
    report->passed = FALSE;
  } else if (strcmp(kind, "BEGIN") == 0) {
    g_free(*running);
    *running = g_strdup(rest);
  } else if (strcmp(kind, "PASS") == 0 || strcmp(kind, "FAIL") == 0) {
    g_auto(GStrv) parts = g_strsplit(rest, "\t", 2);
    add_check(report, parts[0], kind[0] == 'P',
              parts[1] && parts[1][0] ? parts[1] : NULL);
    g_clear_pointer(running, g_free);
  } else if (strcmp(kind, "SETTING") == 0) {
    g_free(report->setting);
    report->setting = g_strdup(rest);
  } else if (strcmp(kind, "SETTINGS") == 0) {
    report->n_settings = (size_t)g_ascii_strtoull(rest, NULL, 10);
  } else if (strcmp(kind, "END") == 0) {
    *ended = TRUE;
  }
}

typedef struct check_reader {
  nnlab_check_report *report;
  char *running; /* the check that began and has not reported */
  gboolean ended;
} check_reader;

static void read_check_line(char *line, void *data) {
  check_reader *reader = data;
  parse_line(reader->report, line, &reader->running, &reader->ended);
}

nnlab_check_report *nnlab_plugin_check_isolated(const char *target,
                                                double timeout_seconds) {
  return nnlab_plugin_check_isolated_full(target, timeout_seconds, 0);
}

nnlab_check_report *nnlab_plugin_check_isolated_full(const char *target,
                                                     double timeout_seconds,
                                                     nnlab_check_flags flags) {
  g_return_val_if_fail(target != NULL, NULL);
  nnlab_check_report *report = report_new();
  report->plugin = g_strdup(target);
  g_autofree char *scanner = plugin_scanner_path();
  const char *argv[] = {scanner, "--check", target,
                        flags & NNLAB_CHECK_NO_SWEEP ? "--no-sweep" : NULL,
                        NULL};
  check_reader reader = {report, NULL, FALSE};
  subprocess_outcome outcome;
  g_autoptr(GError) error = NULL;
  if (!subprocess_run_lines(argv, timeout_seconds, read_check_line, &reader,
                            &outcome, &error)) {
    report->failure =
        g_strdup_printf("cannot run the plugin scanner: %s", error->message);
  } else if (outcome.timed_out || outcome.signaled ||
             (!reader.ended && !report->failure)) {
    g_autofree char *how = subprocess_describe(&outcome, timeout_seconds);
    report->failure = g_strdup_printf(
        "%s during \"%s\"", how, reader.running ? reader.running : "loading");
  }
  if (report->failure) report->passed = FALSE;
  g_free(reader.running);
  return report;
}
