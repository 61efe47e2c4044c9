/* Running a helper program (subprocess.h), reading its stdout line by line
 * and killing it at a time limit. It knows nothing of plugins; it reports
 * how the child ended and leaves the judgement to the caller. */
#include "base/subprocess.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

gboolean subprocess_run_lines(const char *const *argv, double timeout_seconds,
                              void (*on_line)(char *line, void *data),
                              void *data, subprocess_outcome *outcome,
                              GError **error) {
  memset(outcome, 0, sizeof *outcome);
  GPid pid = 0;
  int out = -1;
  if (!g_spawn_async_with_pipes(
          NULL, (char **)argv, NULL,
          G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
          &pid, NULL, &out, NULL, error))
    return FALSE;
  GString *pending = g_string_new(NULL);
  gint64 deadline = g_get_monotonic_time() + (gint64)(timeout_seconds * 1e6);
  for (;;) {
    gint64 left_ms = (deadline - g_get_monotonic_time()) / 1000;
    if (left_ms <= 0) {
      outcome->timed_out = TRUE;
      break;
    }
    struct pollfd pfd = {out, POLLIN, 0};
    int ready = poll(&pfd, 1, (int)MIN(left_ms, 1000));
    if (ready <= 0) continue;
    char buffer[4096];
    ssize_t n = read(out, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break; /* end of output: it exited or died */
    g_string_append_len(pending, buffer, n);
    char *newline;
    while ((newline = memchr(pending->str, '\n', pending->len))) {
      *newline = '\0';
      on_line(pending->str, data);
      g_string_erase(pending, 0, newline - pending->str + 1);
    }
  }
  close(out);
  if (outcome->timed_out) kill(pid, SIGKILL);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  g_spawn_close_pid(pid);
  outcome->signaled = !outcome->timed_out && WIFSIGNALED(status);
  outcome->signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
  outcome->exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  g_string_free(pending, TRUE);
  return TRUE;
}

char *subprocess_describe(const subprocess_outcome *outcome,
                          double timeout_seconds) {
  if (outcome->timed_out)
    return g_strdup_printf("hung (no answer within %g s)", timeout_seconds);
  if (outcome->signaled)
    return g_strdup_printf("crashed with %s", g_strsignal(outcome->signal));
  return g_strdup_printf("exited with status %d", outcome->exit_status);
}
