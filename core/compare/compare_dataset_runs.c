/* A dataset run: a parsed config trained on the comparison's shared data
 * through nnlab_run, its history copied into curves and its final
 * metrics evaluated. It runs on a worker thread and never calls HDF5
 * (the data was loaded on the calling thread). */
#include <math.h>
#include <string.h>

#include <nnlab/run.h>

#include "compare/compare_curves.h"
#include "compare/compare_internal.h"
#include "compare/compare_runs.h"

/* A dataset run's position, counted from the trainer's progress reports:
 * the x values of its curves are the steps it took and the samples it
 * saw, not a formula. */
typedef struct run_position {
  nnlab_compare_private *p;
  nnlab_compare_run *run;
  double steps, samples;             /* at the end of the last epoch */
  double epoch_steps, epoch_samples; /* so far in the current one */
} run_position;

static void count_progress(const nnlab_progress *progress, void *user_data) {
  run_position *at = user_data;
  at->epoch_steps = (double)progress->batch;
  at->epoch_samples = (double)progress->samples;
  if (!progress->finished) return;
  g_atomic_int_inc(&at->p->epochs_done);
  at->steps += at->epoch_steps;
  at->samples += at->epoch_samples;
  at->epoch_steps = at->epoch_samples = 0;
  size_t e = progress->finished->epoch - 1;
  if (e >= at->run->n_epochs) return;
  at->run->steps[e] = at->steps;
  at->run->samples[e] = at->samples;
}

/* The epoch a run diverged in ends at the step that diverged: the steps
 * before it, plus that one with its batch. */
static void record_divergence_position(const run_position *at,
                                       const nnlab_run *r) {
  nnlab_compare_run *run = at->run;
  size_t e = run->epochs_done, n = r->train->n_rows;
  if (e >= run->n_epochs) return;
  size_t batch = r->config->train.batch_size;
  batch = batch == 0 ? n : MIN(batch, n);
  double left = (double)n - at->epoch_samples;
  run->steps[e] = at->steps + at->epoch_steps + 1;
  run->samples[e] = at->samples + at->epoch_samples + MIN((double)batch, left);
}

/* m's measures in metric order: loss, accuracy, rmse, mae, r2. */
static void store_measures(double *values, const nnlab_metrics *m) {
  const double measures[NNLAB_COMPARE_N_MEASURES] = {m->loss, m->accuracy,
                                                     m->rmse, m->mae, m->r2};
  memcpy(values, measures, sizeof measures);
}

static void record_history(nnlab_compare_run *run, const nnlab_run *r) {
  size_t n = 0;
  const nnlab_epoch_record *history = nnlab_trainer_history(r->trainer, &n);
  n = MIN(n, run->n_epochs);
  double elapsed = 0;
  double train[NNLAB_COMPARE_N_MEASURES], val[NNLAB_COMPARE_N_MEASURES];
  for (size_t e = 0; e < n; e++) {
    const nnlab_epoch_record *h = &history[e];
    store_measures(train, &h->train);
    store_measures(val, &h->val);
    for (size_t i = 0; i < NNLAB_COMPARE_N_MEASURES; i++) {
      run->curves[NNLAB_COMPARE_TRAIN_LOSS + i][e] = train[i];
      run->curves[NNLAB_COMPARE_VAL_LOSS + i][e] = val[i];
    }
    run->lr_curve[e] = h->lr;
    elapsed += h->seconds;
    run->seconds[e] = elapsed;
    run->states[e] = NNLAB_COMPARE_EPOCH_TRAINED;
  }
  run->epochs_done = n;
}

/* Final metrics on each part of the data, as nnlab eval computes them,
 * with the weights the run ended with (early stopping's best, if it
 * stopped early). */
static gboolean evaluate_finals(nnlab_compare_run *run, nnlab_run *r,
                                GError **error) {
  const nnlab_dataset *parts[] = {r->train, r->val, r->test};
  for (size_t i = 0; i < G_N_ELEMENTS(parts); i++) {
    if (!parts[i]) continue;
    nnlab_metrics m;
    if (!nnlab_evaluate(r->model, &r->config->loss, parts[i], &m, error))
      return FALSE;
    store_measures(&run->final[i * NNLAB_COMPARE_N_MEASURES], &m);
  }
  return TRUE;
}

void compare_run_dataset(nnlab_compare *c, size_t index) {
  nnlab_compare_run *run = &c->runs[index];
  nnlab_compare_private *p = c->priv;
  compare_run_alloc_curves(run, run->n_epochs);
  gint64 start = g_get_monotonic_time();
  GError *error = NULL;
  nnlab_run *r =
      nnlab_run_prepare_with_data(p->configs[index], p->data, &error);
  gboolean trained = FALSE;
  run_position at = {.p = p, .run = run};
  if (r) {
    run->init_digest = compare_digest_floats(nnlab_model_params(r->model),
                                             nnlab_model_n_params(r->model));
    trained = nnlab_run_train(r, count_progress, &at, &error);
    record_history(run, r);
  }
  if (trained && evaluate_finals(run, r, &error)) {
    run->status = NNLAB_COMPARE_OK;
    if (!isfinite(run->final[NNLAB_COMPARE_TRAIN_LOSS])) {
      run->status = NNLAB_COMPARE_DIVERGED;
      run->diverged_epoch = run->epochs_done + 1;
      run->message = g_strdup("the final training loss is not finite");
    }
  } else if (g_error_matches(error, NNLAB_ERROR, NNLAB_ERROR_DIVERGED)) {
    run->status = NNLAB_COMPARE_DIVERGED;
    run->diverged_epoch = run->epochs_done + 1;
    record_divergence_position(&at, r);
  } else {
    run->status = NNLAB_COMPARE_FAILED;
  }
  if (error) run->message = g_strdup(error->message);
  if (run->status != NNLAB_COMPARE_OK)
    for (size_t i = 0; i < NNLAB_COMPARE_N_FINAL; i++) run->final[i] = NAN;
  /* Epochs not trained (early stopping, divergence) count as done. */
  g_atomic_int_add(&p->epochs_done, (gint)(run->n_epochs - run->epochs_done));
  run->wall_seconds = (double)(g_get_monotonic_time() - start) / 1e6;
  compare_run_finish_curves(c, run);
  g_clear_error(&error);
  nnlab_run_free(r);
}
