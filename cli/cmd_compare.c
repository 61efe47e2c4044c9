/* nnlab compare: run every candidate of a comparison spec on every seed,
 * then print the table and write results.h5, summary.csv and plots. The
 * planning, runs and statistics are core's (compare_*.c); this file holds
 * the lock, shows progress and hands the results to the outputs. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <nnlab/nnlab.h>

#include "commands.h"
#include "compare_output.h"
#include "compare_plots.h"
#include "error_output.h"
#include "option_parsing.h"
#include "registry_loading.h"
#include "run_lock.h"

#define BAR_WIDTH 28
#define REDRAW_INTERVAL_US 200000

typedef struct compare_options {
  char **overrides;
  char *out_dir;
  gint jobs;
  gboolean json;
  gboolean quiet;
  gboolean verbose;
} compare_options;

/* One bar for the whole comparison on a terminal; a line per finished run
 * otherwise. */
typedef struct progress_bar {
  const nnlab_compare *compare;
  gboolean quiet, tty, drawn;
  gint64 last_draw;
} progress_bar;

static char *format_duration(double seconds) {
  if (!isfinite(seconds)) return g_strdup("?");
  if (seconds < 60) return g_strdup_printf("%.1fs", seconds);
  return g_strdup_printf("%dm%02ds", (int)(seconds / 60),
                         (int)fmod(seconds, 60));
}

static char *describe_run(const nnlab_compare *c,
                          const nnlab_compare_run *run) {
  const char *name = c->candidates[run->candidate].name;
  return g_strdup_printf("%s lr=%.3g seed %" G_GUINT64_FORMAT, name, run->lr,
                         run->seed);
}

static char *describe_outcome(const nnlab_compare *c,
                              const nnlab_compare_run *run) {
  if (run->status == NNLAB_COMPARE_DIVERGED)
    return g_strdup_printf("diverged at %s %zu", c->epoch_unit,
                           run->diverged_epoch);
  if (run->status == NNLAB_COMPARE_FAILED)
    return g_strdup_printf("failed: %s", run->message ? run->message : "?");
  nnlab_compare_metric m = c->sort_by < NNLAB_COMPARE_N_FINAL
                               ? c->sort_by
                               : NNLAB_COMPARE_TRAIN_LOSS;
  const char *name =
      c->kind == NNLAB_COMPARE_DATASET ? nnlab_compare_metric_name(m) : "loss";
  return g_strdup_printf("%s %.4g", name, run->final[m]);
}

static void draw_bar(progress_bar *bar, const nnlab_compare_progress *p) {
  double fraction =
      p->epochs_total ? (double)p->epochs_done / (double)p->epochs_total : 0;
  fraction = CLAMP(fraction, 0, 1);
  char cells[BAR_WIDTH + 1];
  size_t filled = (size_t)(fraction * BAR_WIDTH);
  for (size_t i = 0; i < BAR_WIDTH; i++) cells[i] = i < filled ? '=' : ' ';
  cells[BAR_WIDTH] = '\0';
  g_autofree char *elapsed = format_duration(p->elapsed);
  g_autofree char *eta = format_duration(p->eta);
  fprintf(stderr, "\r\033[K[%s] %zu/%zu runs  %3.0f%%  %s  ETA %s", cells,
          p->runs_done, p->runs_total, 100 * fraction, elapsed, eta);
  fflush(stderr);
  bar->drawn = TRUE;
}

static void show_progress(const nnlab_compare_progress *p, void *user_data) {
  progress_bar *bar = user_data;
  if (bar->quiet) return;
  const nnlab_compare *c = bar->compare;
  const nnlab_compare_run *run = p->finished;
  if (!bar->tty) {
    if (!run) return;
    g_autofree char *what = describe_run(c, run);
    g_autofree char *outcome = describe_outcome(c, run);
    g_autofree char *eta = format_duration(p->eta);
    fprintf(stderr, "run %zu/%zu: %s: %s (%.2fs), ETA %s\n", p->runs_done,
            p->runs_total, what, outcome, run->wall_seconds, eta);
    return;
  }
  if (run && run->status != NNLAB_COMPARE_OK) {
    g_autofree char *what = describe_run(c, run);
    g_autofree char *outcome = describe_outcome(c, run);
    fprintf(stderr, "\r\033[K%s: %s\n", what, outcome);
  }
  gint64 now = g_get_monotonic_time();
  if (!run && now - bar->last_draw < REDRAW_INTERVAL_US) return;
  bar->last_draw = now;
  draw_bar(bar, p);
}

static char *default_out_dir(const char *spec_path) {
  g_autofree char *base = g_path_get_basename(spec_path);
  char *dot = strrchr(base, '.');
  if (dot && dot != base) *dot = '\0';
  return g_build_filename("runs", base, NULL);
}

/* The directory, and results.h5 and summary.csv in it as new or regular
 * files, before any run (plots are checked as they are written). */
static gboolean prepare_out_dir(const char *out_dir, GError **error) {
  g_autofree char *results = g_build_filename(out_dir, "results.h5", NULL);
  g_autofree char *summary = g_build_filename(out_dir, "summary.csv", NULL);
  return nnlab_make_output_directory(out_dir, error) &&
         nnlab_check_output_file(results, error) &&
         nnlab_check_output_file(summary, error);
}

/* results.h5 and summary.csv (errors are fatal), then the plots (a
 * problem there is a warning). */
static gboolean write_files(const nnlab_compare *c, const char *out_dir,
                            GPtrArray *files, GError **error) {
  char *results = g_build_filename(out_dir, "results.h5", NULL);
  char *summary = g_build_filename(out_dir, "summary.csv", NULL);
  g_ptr_array_add(files, results);
  g_ptr_array_add(files, summary);
  if (!nnlab_compare_save_results(c, results, error) ||
      !nnlab_compare_save_summary(c, summary, error))
    return FALSE;
  g_autoptr(GError) plot_error = NULL;
  if (!compare_plots_write(c, out_dir, files, &plot_error))
    fprintf(stderr, "nnlab: warning: %s\n", plot_error->message);
  return TRUE;
}

static void report_failures(const nnlab_compare *c) {
  for (size_t i = 0; i < c->n_runs; i++) {
    const nnlab_compare_run *run = &c->runs[i];
    if (run->status != NNLAB_COMPARE_FAILED) continue;
    g_autofree char *what = describe_run(c, run);
    fprintf(stderr, "nnlab: warning: run %s failed: %s\n", what,
            run->message ? run->message : "unknown error");
  }
}

static void print_files(const GPtrArray *files) {
  printf("\nresults: %s, %s\n", (const char *)g_ptr_array_index(files, 0),
         (const char *)g_ptr_array_index(files, 1));
  for (guint i = 2; i < files->len; i++)
    printf("plot: %s\n", (const char *)g_ptr_array_index(files, i));
}

static int run_comparison(const compare_options *o, const char *spec_path) {
  g_autoptr(GError) error = NULL;
  nnlab_registry *registry = open_registry(FALSE);
  g_autofree char *out_dir =
      o->out_dir ? g_strdup(o->out_dir) : default_out_dir(spec_path);
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func(g_free);
  int status = 0;
  nnlab_compare *c = nnlab_compare_load(
      spec_path, (const char *const *)o->overrides, registry, &error);
  if (!c || !prepare_out_dir(out_dir, &error) ||
      !run_lock_acquire(out_dir, "compare", &error)) {
    status = report_error(error);
    goto done;
  }
  progress_bar bar = {
      .compare = c, .quiet = o->quiet, .tty = isatty(fileno(stderr))};
  if (!nnlab_compare_execute(c, (guint)o->jobs, show_progress, &bar, &error)) {
    status = report_error(error);
    goto done;
  }
  if (bar.drawn) fprintf(stderr, "\r\033[K");
  report_failures(c);
  if (!write_files(c, out_dir, files, &error)) {
    status = report_error(error);
    goto done;
  }
  if (o->json) {
    compare_print_json(c, out_dir, files);
  } else {
    compare_print_table(c, stdout);
    print_files(files);
  }
done:
  nnlab_compare_free(c);
  nnlab_registry_free(registry);
  return status;
}

int cmd_compare(int argc, char **argv) {
  compare_options o = {0};
  GOptionEntry entries[] = {
      {"out", 'o', 0, G_OPTION_ARG_FILENAME, &o.out_dir,
       "Directory for results.h5, summary.csv and the plots (default: "
       "runs/SPEC_NAME)",
       "DIR"},
      {"jobs", 'j', 0, G_OPTION_ARG_INT, &o.jobs,
       "Worker threads (default: one per core); the numbers do not depend "
       "on it",
       "N"},
      {"set", 's', 0, G_OPTION_ARG_STRING_ARRAY, &o.overrides,
       "Override a spec value (repeatable): compare.seeds=1..3, "
       "'candidate adam.lr=0.01', problem.training.epochs=5",
       "SECTION.KEY=VALUE"},
      {"json", 0, 0, G_OPTION_ARG_NONE, &o.json,
       "Print the summary table as JSON", NULL},
      {"quiet", 'q', 0, G_OPTION_ARG_NONE, &o.quiet, "No progress output",
       NULL},
      {"verbose", 'v', 0, G_OPTION_ARG_NONE, &o.verbose,
       "Show HDF5's own error messages too", NULL},
      G_OPTION_ENTRY_NULL};
  g_autoptr(GOptionContext) context = g_option_context_new(
      "SPEC.ini - compare optimizers, learning rates, batch sizes or "
      "activations fairly");
  g_option_context_add_main_entries(context, entries, NULL);
  g_option_context_set_description(
      context,
      "The spec names a problem (a train config, or a test function such as\n"
      "rosenbrock), the seeds, a target and the candidates; docs/compare.md\n"
      "describes it. For a given seed every candidate starts from the same\n"
      "weights and sees the data in the same order. Prints a table sorted\n"
      "by the chosen metric (mean +- std and min..max over the seeds, time\n"
      "to target, diverged runs, wins against the baseline) and writes\n"
      "DIR/results.h5, DIR/summary.csv and plots: loss (and accuracy for\n"
      "classification) against epochs, optimizer steps or samples seen\n"
      "([compare] x_axis = epoch, step or samples).\n"
      "\n"
      "Metrics: train_, val_ or test_ followed by loss, accuracy\n"
      "(classification), rmse, mae or r2 (regression), as nnlab eval\n"
      "computes them. When candidates use different losses, loss does not\n"
      "rank them: the default is val_rmse or val_accuracy, and the plots\n"
      "show the ranking metric instead of the losses. With x_axis = step or\n"
      "samples and a target, the table also counts steps or samples to it.\n"
      "One compare or train at a time writes DIR (a lock on DIR/.lock).\n");
  int status = 0;
  if (!parse_options(context, &argc, &argv)) {
    status = 2;
  } else if (argc != 2) {
    fprintf(stderr, "nnlab: error: expected one SPEC.ini (try --help)\n");
    status = 2;
  } else if (o.jobs < 0) {
    fprintf(stderr, "nnlab: error: --jobs takes a positive number\n");
    status = 2;
  } else {
    nnlab_show_hdf5_errors(o.verbose);
    status = run_comparison(&o, argv[1]);
  }
  g_strfreev(o.overrides);
  g_free(o.out_dir);
  return status;
}
