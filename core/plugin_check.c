#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <nnlab/plugin_check.h>

#include "plugin_check_battery.h"

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
  plugin_check_battery(info, &sink);
}

/* ---- The child's side: one line per event on a pipe. ------------------ */

static void write_line(int fd, const char *kind, const char *text) {
  g_autofree char *clean = g_strdup(text ? text : "");
  g_strdelimit(clean, "\n\r", ' ');
  g_autofree char *line = g_strdup_printf("%s %s\n", kind, clean);
  size_t left = strlen(line);
  const char *p = line;
  while (left > 0) {
    ssize_t n = write(fd, p, left);
    if (n <= 0 && errno != EINTR) return;
    if (n > 0) p += n, left -= (size_t)n;
  }
}

static void begin_to_pipe(check_sink *sink, const char *name) {
  write_line(GPOINTER_TO_INT(sink->data), "BEGIN", name);
}

static void result_to_pipe(check_sink *sink, const char *name, gboolean passed,
                           const char *detail) {
  g_autofree char *text = g_strdup_printf("%s\t%s", name, detail ? detail : "");
  write_line(GPOINTER_TO_INT(sink->data), passed ? "PASS" : "FAIL", text);
}

/* Finds the plugin by name, or loads the one file, in the child. */
static const nnlab_plugin_info *load_target(const char *target,
                                            nnlab_registry **registry,
                                            char **description,
                                            char **problem) {
  gboolean is_file = strchr(target, '/') || g_str_has_suffix(target, ".so");
  const nnlab_plugin *plugin = NULL;
  g_autoptr(GError) error = NULL;
  if (is_file) {
    const char *const files[] = {target, NULL};
    *registry = nnlab_registry_new(files);
    plugin = nnlab_registry_count(*registry) ? nnlab_registry_get(*registry, 0)
                                             : NULL;
    if (!plugin || !nnlab_plugin_get_info(plugin)) {
      const char *const *warnings = nnlab_registry_warnings(*registry);
      *problem = g_strdup(warnings[0] ? warnings[0] : "not a plugin file");
      return NULL;
    }
  } else {
    *registry = nnlab_registry_new_default();
    plugin = nnlab_registry_find_any(*registry, target, &error);
    if (!plugin) {
      *problem = g_strdup(error->message);
      return NULL;
    }
  }
  const nnlab_plugin_info *info = nnlab_plugin_get_info(plugin);
  *description =
      g_strdup_printf("%s '%s' %s (%s)", nnlab_kind_name(info->kind),
                      info->name, info->version, nnlab_plugin_get_path(plugin));
  return info;
}

G_GNUC_NORETURN static void run_child(const char *target, int fd) {
  nnlab_registry *registry = NULL;
  g_autofree char *description = NULL, *problem = NULL;
  const nnlab_plugin_info *info =
      load_target(target, &registry, &description, &problem);
  if (!info) {
    write_line(fd, "LOADERROR", problem);
    _exit(0);
  }
  write_line(fd, "PLUGIN", description);
  check_sink sink = {begin_to_pipe, result_to_pipe, GINT_TO_POINTER(fd)};
  plugin_check_battery(info, &sink);
  write_line(fd, "END", "");
  _exit(0);
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
  } else if (strcmp(kind, "BEGIN") == 0) {
    g_free(*running);
    *running = g_strdup(rest);
  } else if (strcmp(kind, "PASS") == 0 || strcmp(kind, "FAIL") == 0) {
    g_auto(GStrv) parts = g_strsplit(rest, "\t", 2);
    add_check(report, parts[0], kind[0] == 'P',
              parts[1] && parts[1][0] ? parts[1] : NULL);
    g_clear_pointer(running, g_free);
  } else if (strcmp(kind, "END") == 0) {
    *ended = TRUE;
  }
}

nnlab_check_report *nnlab_plugin_check_isolated(const char *target,
                                                double timeout_seconds) {
  nnlab_check_report *report = report_new();
  report->plugin = g_strdup(target);
  int fds[2];
  if (pipe(fds) != 0) {
    report->failure =
        g_strdup_printf("cannot create a pipe: %s", g_strerror(errno));
    report->passed = FALSE;
    return report;
  }
  fflush(NULL);
  pid_t child = fork();
  if (child == 0) {
    close(fds[0]);
    run_child(target, fds[1]);
  }
  close(fds[1]);
  if (child < 0) {
    close(fds[0]);
    report->failure = g_strdup_printf("cannot fork: %s", g_strerror(errno));
    report->passed = FALSE;
    return report;
  }
  GString *pending = g_string_new(NULL);
  char *running = NULL;
  gboolean ended = FALSE, timed_out = FALSE;
  gint64 deadline = g_get_monotonic_time() + (gint64)(timeout_seconds * 1e6);
  for (;;) {
    gint64 left_ms = (deadline - g_get_monotonic_time()) / 1000;
    if (left_ms <= 0) {
      timed_out = TRUE;
      break;
    }
    struct pollfd pfd = {fds[0], POLLIN, 0};
    int ready = poll(&pfd, 1, (int)MIN(left_ms, 1000));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) continue;
    char buffer[4096];
    ssize_t n = read(fds[0], buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break; /* the child closed its end: exited or died */
    g_string_append_len(pending, buffer, n);
    char *newline;
    while ((newline = strchr(pending->str, '\n'))) {
      *newline = '\0';
      parse_line(report, pending->str, &running, &ended);
      g_string_erase(pending, 0, newline - pending->str + 1);
    }
  }
  close(fds[0]);
  if (timed_out) kill(child, SIGKILL);
  int status = 0;
  while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  const char *during = running ? running : "loading";
  if (timed_out) {
    report->failure = g_strdup_printf(
        "hung: no answer within %g s during \"%s\"", timeout_seconds, during);
  } else if (WIFSIGNALED(status)) {
    report->failure = g_strdup_printf("crashed with %s during \"%s\"",
                                      g_strsignal(WTERMSIG(status)), during);
  } else if (!ended && !report->failure) {
    report->failure =
        g_strdup_printf("exited during \"%s\" (status %d)", during,
                        WIFEXITED(status) ? WEXITSTATUS(status) : -1);
  }
  if (report->failure) report->passed = FALSE;
  g_free(running);
  g_string_free(pending, TRUE);
  return report;
}
