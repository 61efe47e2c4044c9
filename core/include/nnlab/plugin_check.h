/* The plugin author's test bench: the standard battery of checks for a
 * plugin's kind, run in a child process so that a plugin that crashes or
 * hangs is reported instead of taking nnlab down. */
#ifndef NNLAB_PLUGIN_CHECK_H
#define NNLAB_PLUGIN_CHECK_H

#include <nnlab/registry.h>

G_BEGIN_DECLS

typedef struct nnlab_check {
  char *name; /* what was checked, e.g. "backward matches finite differences" */
  gboolean passed;
  char *detail; /* why it failed, or a measurement; may be NULL */
} nnlab_check;

typedef struct nnlab_check_report {
  char *plugin; /* "activation 'relu' 1.0.0", or the file if it did not load */
  GArray *checks;    /* nnlab_check */
  gboolean passed;   /* every check passed and the child exited normally */
  char *failure;     /* a crash, hang or load error; NULL otherwise */
  char *setting;     /* the spec checked first, e.g. "snake(a=0.5)", or NULL */
  size_t n_settings; /* hyperparameter settings checked, that one included */
} nnlab_check_report;

/* Runs the battery in this process at the defaults, then at settings
 * spread over each hyperparameter's range, appending to report. */
NNLAB_API void nnlab_plugin_check_run(const nnlab_plugin_info *info,
                                      nnlab_check_report *report);

typedef enum nnlab_check_flags {
  /* Check only the defaults or the given spec, without the sweep. */
  NNLAB_CHECK_NO_SWEEP = 1u << 0,
} nnlab_check_flags;

/* Loads the plugin named target (or the plugin file target) in a forked
 * child and runs the battery there, giving up after timeout_seconds. Call
 * it before starting any threads. target may carry hyperparameters,
 * "snake(a=0.5)" or "dir/snake.so(a=0.5)": then that setting alone is
 * checked. Otherwise the defaults are, and then (unless
 * NNLAB_CHECK_NO_SWEEP) settings spread over each hyperparameter's range:
 * bounds, interior and log-spaced points, one hyperparameter at a time. */
NNLAB_API nnlab_check_report *nnlab_plugin_check_isolated_full(
    const char *target, double timeout_seconds, nnlab_check_flags flags);
/* The same with no flags. */
NNLAB_API nnlab_check_report *nnlab_plugin_check_isolated(
    const char *target, double timeout_seconds);
NNLAB_API void nnlab_check_report_free(nnlab_check_report *report);

G_END_DECLS

#endif
