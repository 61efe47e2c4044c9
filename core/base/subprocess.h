/* Running a helper program and reading its output line by line, with a
 * time limit, reporting how it ended (used for the plugin scanner). */
#ifndef NNLAB_SUBPROCESS_H
#define NNLAB_SUBPROCESS_H

#include <nnlab/common.h>

typedef struct subprocess_outcome {
  gboolean timed_out; /* killed at the time limit */
  gboolean signaled;  /* died from a signal (a crash) */
  int signal;
  int exit_status; /* when it exited normally */
} subprocess_outcome;

/* Runs argv, calls on_line for each line of its standard output (without
 * the newline), kills it after timeout_seconds. FALSE with an error only
 * if it could not be started. */
gboolean subprocess_run_lines(const char *const *argv, double timeout_seconds,
                              void (*on_line)(char *line, void *data),
                              void *data, subprocess_outcome *outcome,
                              GError **error);

/* "crashed with Segmentation fault", "hung (no answer within 10 s)" or
 * "exited with status 3"; free with g_free. */
char *subprocess_describe(const subprocess_outcome *outcome,
                          double timeout_seconds);

#endif
