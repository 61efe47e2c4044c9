/* Comparing optimizers (and learning rates, batch sizes, activations)
 * fairly. A spec (docs/compare.md) names one problem, the seeds, a target
 * and the candidates; every candidate runs once per seed (and per learning
 * rate of its grid). For a given seed every candidate starts from the same
 * initial weights and sees the same data in the same order, so results are
 * paired by seed. Runs are spread over worker threads; each run gives the
 * same numbers whatever the number of threads. */
#ifndef NNLAB_COMPARE_H
#define NNLAB_COMPARE_H

#include <nnlab/config.h>

G_BEGIN_DECLS

typedef enum nnlab_compare_problem_kind {
  NNLAB_COMPARE_DATASET,     /* a train config: dataset, model, training */
  NNLAB_COMPARE_FUNCTION_2D, /* rosenbrock, beale, bowl: the optimizer on x, y
                              */
  NNLAB_COMPARE_QUADRATIC,   /* quadratic_deep: noisy, high-dimensional */
} nnlab_compare_problem_kind;

/* What a comparison measures: five measures on each part of the data
 * (train, then validation, then test: metric = part * 5 + measure), then
 * two times. Train and validation metrics are recorded every epoch (the
 * curves); all fifteen at the end (the final values); the times come from
 * the curve of the target metric. Accuracy applies to classification;
 * rmse, mae and r2 (as nnlab eval computes them) to regression. For test
 * functions the loss is f(x) - f(x*), recorded as train_loss. */
typedef enum nnlab_compare_metric {
  NNLAB_COMPARE_TRAIN_LOSS,
  NNLAB_COMPARE_TRAIN_ACCURACY,
  NNLAB_COMPARE_TRAIN_RMSE,
  NNLAB_COMPARE_TRAIN_MAE,
  NNLAB_COMPARE_TRAIN_R2,
  NNLAB_COMPARE_VAL_LOSS,
  NNLAB_COMPARE_VAL_ACCURACY,
  NNLAB_COMPARE_VAL_RMSE,
  NNLAB_COMPARE_VAL_MAE,
  NNLAB_COMPARE_VAL_R2,
  NNLAB_COMPARE_TEST_LOSS,
  NNLAB_COMPARE_TEST_ACCURACY,
  NNLAB_COMPARE_TEST_RMSE,
  NNLAB_COMPARE_TEST_MAE,
  NNLAB_COMPARE_TEST_R2,
  NNLAB_COMPARE_EPOCHS_TO_TARGET,
  NNLAB_COMPARE_SECONDS_TO_TARGET,
} nnlab_compare_metric;

#define NNLAB_COMPARE_N_MEASURES 5 /* loss, accuracy, rmse, mae, r2 */
#define NNLAB_COMPARE_N_CURVES 10  /* the train and validation metrics */
#define NNLAB_COMPARE_N_FINAL 15   /* train, validation and test metrics */

/* "train_loss", ..., "epochs_to_target", "seconds_to_target". */
NNLAB_API const char *nnlab_compare_metric_name(nnlab_compare_metric metric);
/* Also accepts "loss" for train_loss. */
NNLAB_API gboolean nnlab_compare_metric_from_name(const char *name,
                                                  nnlab_compare_metric *metric);
/* Accuracy and r2: higher is better; losses, errors and times: lower. */
NNLAB_API gboolean
nnlab_compare_metric_higher_is_better(nnlab_compare_metric metric);
/* train_loss, val_loss and test_loss: values of each run's own loss. */
NNLAB_API gboolean nnlab_compare_metric_is_loss(nnlab_compare_metric metric);

/* What the curves are plotted against: epochs (steps for test
 * functions), optimizer steps taken, or training samples seen. */
typedef enum nnlab_compare_x_axis {
  NNLAB_COMPARE_X_EPOCH,
  NNLAB_COMPARE_X_STEP,
  NNLAB_COMPARE_X_SAMPLES,
} nnlab_compare_x_axis;

/* "epoch", "step", "samples". */
NNLAB_API const char *nnlab_compare_x_axis_name(nnlab_compare_x_axis axis);

typedef enum nnlab_compare_status {
  NNLAB_COMPARE_PENDING,
  NNLAB_COMPARE_OK,
  NNLAB_COMPARE_DIVERGED, /* NaN or Inf: the curve stops, the rest marked */
  NNLAB_COMPARE_FAILED,   /* any other error; message says which */
} nnlab_compare_status;

/* What became of each epoch of a run's curves. */
typedef enum nnlab_compare_epoch_state {
  NNLAB_COMPARE_EPOCH_TRAINED = 0,
  NNLAB_COMPARE_EPOCH_DIVERGED = 1, /* the epoch it diverged in and later */
  NNLAB_COMPARE_EPOCH_NOT_RUN = 2,  /* after early stopping or a failure */
} nnlab_compare_epoch_state;

typedef struct nnlab_compare_candidate {
  char *name;     /* from [candidate NAME] */
  char *settings; /* what it sets, one line: "sgd(lr=0.1), batch_size=1" */
  size_t n_lrs;   /* 1, or the length of its learning-rate grid */
  double *lrs;    /* NAN when the lr is left as configured */
  /* After the runs: the grid point reported (0 without a grid), and per
   * grid point the mean final sweep metric over the seeds (a run that
   * diverged or failed makes it the worst possible). */
  size_t best_lr;
  double *sweep_scores;
} nnlab_compare_candidate;

typedef struct nnlab_compare_run {
  size_t candidate, lr_index;
  double lr; /* the learning rate it ran with */
  uint64_t seed;
  nnlab_compare_status status;
  char *message;         /* why it diverged or failed, or NULL */
  char *config_text;     /* the full config it ran with */
  char *init_digest;     /* SHA-256 of the initial parameters */
  size_t n_epochs;       /* planned epochs (steps for test functions) */
  size_t epochs_done;    /* epochs with a record */
  size_t diverged_epoch; /* 1-based, 0 when it did not diverge */
  /* n_epochs values each; NaN where not run or not applicable. */
  double *curves[NNLAB_COMPARE_N_CURVES];
  double *lr_curve;
  double *seconds; /* cumulative wall time at the end of each epoch */
  /* Cumulative optimizer steps taken and training samples seen at the end
   * of each epoch; in the epoch a run diverged in, up to and including
   * the step that diverged. samples is NaN where there are none (2-D
   * functions, quadratic_deep's exact gradient). */
  double *steps;
  double *samples;
  guint8 *states;                      /* nnlab_compare_epoch_state per epoch */
  double final[NNLAB_COMPARE_N_FINAL]; /* NaN if diverged, failed or n/a */
  double epochs_to_target;  /* INFINITY when not reached (or no target) */
  double seconds_to_target; /* wall time to that epoch's end */
  /* The steps taken and samples seen by that epoch's end (steps[e],
   * samples[e]): INFINITY when not reached, samples NaN where none are
   * drawn. */
  double steps_to_target, samples_to_target;
  double wall_seconds;
  size_t n_points;    /* 2-D functions: the trajectory, start included */
  double *trajectory; /* n_points x 2 */
} nnlab_compare_run;

typedef struct nnlab_compare_stats {
  size_t n;                   /* finite values */
  double mean, std, min, max; /* std: sample (n - 1); NaN when n == 0 */
} nnlab_compare_stats;

/* One candidate's result at its reported learning rate. */
typedef struct nnlab_compare_row {
  size_t candidate;
  double lr;
  size_t n_runs, diverged, failed;
  /* Over the runs that neither diverged nor failed. */
  nnlab_compare_stats final[NNLAB_COMPARE_N_FINAL];
  /* Medians over all runs, a run that missed counting as infinite. */
  double median_epochs_to_target, median_seconds_to_target;
  /* NaN when a run that reached the target drew no samples. */
  double median_steps_to_target, median_samples_to_target;
  size_t reached;
  /* Seeds on which it beat the baseline by the sort metric (a diverged
   * or failed run loses), of the seeds both ran; 0 of 0 for the baseline
   * itself. */
  size_t wins, paired;
} nnlab_compare_row;

typedef struct nnlab_compare_private nnlab_compare_private;

typedef struct nnlab_compare {
  char *spec_path;
  char *spec_text; /* with any overrides applied */
  char *title;
  nnlab_compare_problem_kind kind;
  char *problem;    /* one line: "digits.ini (digits.h5, 1797 rows)" */
  char *epoch_unit; /* "epoch" or "step" */
  nnlab_task task;  /* datasets; regression for test functions */
  size_t n_seeds;
  uint64_t *seeds;
  size_t n_candidates;
  nnlab_compare_candidate *candidates;
  size_t baseline; /* candidate index */
  nnlab_compare_metric sort_by, sweep_metric, target_metric;
  /* Datasets: candidates train with different losses, so loss values do
   * not rank them (docs/compare.md, "Different losses"). */
  gboolean mixed_losses;
  gboolean has_target;
  double target;
  char *plot_format; /* "png" or "svg" */
  nnlab_compare_x_axis x_axis;
  gboolean std_band; /* plots: mean +- std instead of min..max */
  /* 2-D functions: the plotting window {xmin, xmax, ymin, ymax}, the
   * minimum, and the function's name. */
  double domain[4];
  double minimum[2];
  char *function;

  size_t n_runs; /* candidate-major, then grid point, then seed */
  nnlab_compare_run *runs;
  size_t n_rows; /* after nnlab_compare_execute: sorted, best first */
  nnlab_compare_row *rows;
  nnlab_compare_private *priv;
} nnlab_compare;

/* Reads and checks the spec and everything it refers to (the problem's
 * config, every candidate's plugins and values, the dataset, which is
 * loaded here) before anything runs. overrides are "section.key=value"
 * (the section ends at the first dot: "candidate adam.lr=0.01"). Errors
 * name the file and line. */
NNLAB_API nnlab_compare *nnlab_compare_load(const char *path,
                                            const char *const *overrides,
                                            const nnlab_registry *registry,
                                            GError **error);
NNLAB_API void nnlab_compare_free(nnlab_compare *compare);

typedef struct nnlab_compare_progress {
  size_t runs_done, runs_total;
  size_t epochs_done, epochs_total; /* all runs' epochs (or steps) */
  double elapsed;                   /* seconds since the start */
  double eta; /* seconds left, NAN until an epoch is done */
  const nnlab_compare_run *finished; /* the run that just ended, or NULL */
} nnlab_compare_progress;

/* Called on the thread that called nnlab_compare_execute, when a run ends
 * and a few times a second in between. */
typedef void (*nnlab_compare_progress_fn)(
    const nnlab_compare_progress *progress, void *user_data);

/* Runs every run on jobs worker threads (0: one per core), then picks
 * each sweep's learning rate and fills rows. Runs that diverge or fail
 * are recorded as such; the error is for the harness itself failing. */
NNLAB_API gboolean nnlab_compare_execute(nnlab_compare *compare, guint jobs,
                                         nnlab_compare_progress_fn progress,
                                         void *progress_data, GError **error);

/* results.h5: every run's curves, final values and config (docs/compare.md
 * has the layout). Written atomically. */
NNLAB_API gboolean nnlab_compare_save_results(const nnlab_compare *compare,
                                              const char *path, GError **error);
/* summary.csv: one line per row of the table. */
NNLAB_API gboolean nnlab_compare_save_summary(const nnlab_compare *compare,
                                              const char *path, GError **error);

/* 2-D functions: f(x, y) - f(x*), for contour plots. */
NNLAB_API double nnlab_compare_function_value(const nnlab_compare *compare,
                                              double x, double y);

/* The runs behind a row (the candidate's reported grid point), in seed
 * order; g_free the array. */
NNLAB_API const nnlab_compare_run **nnlab_compare_row_runs(
    const nnlab_compare *compare, const nnlab_compare_row *row, size_t *n);

G_END_DECLS

#endif
