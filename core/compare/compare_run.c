/* Running a comparison: every run on a pool of worker threads, each run
 * private to its thread. The dataset was loaded once on the calling
 * thread and is only read; plugins and the registry are read-only. HDF5
 * is never called from a worker (Debian's libhdf5 is not thread-safe). */
#include <math.h>
#include <string.h>

#include <nnlab/run.h>

#include "compare/compare_internal.h"
#include "compute/thread_pool.h"

#define PROGRESS_INTERVAL_US 250000

char *compare_digest_floats(const float *values, size_t n) {
  return g_compute_checksum_for_data(G_CHECKSUM_SHA256, (const guchar *)values,
                                     n * sizeof(float));
}

void compare_run_alloc_curves(nnlab_compare_run *run, size_t n_epochs) {
  size_t n = MAX(n_epochs, 1);
  for (size_t i = 0; i < NNLAB_COMPARE_N_CURVES; i++) {
    run->curves[i] = g_new(double, n);
    for (size_t e = 0; e < n; e++) run->curves[i][e] = NAN;
  }
  run->lr_curve = g_new(double, n);
  run->seconds = g_new(double, n);
  run->steps = g_new(double, n);
  run->samples = g_new(double, n);
  run->states = g_new(guint8, n);
  for (size_t e = 0; e < n; e++) {
    run->lr_curve[e] = run->seconds[e] = NAN;
    run->steps[e] = run->samples[e] = NAN;
    run->states[e] = NNLAB_COMPARE_EPOCH_NOT_RUN;
  }
  for (size_t i = 0; i < NNLAB_COMPARE_N_FINAL; i++) run->final[i] = NAN;
  run->epochs_to_target = run->seconds_to_target = INFINITY;
  run->steps_to_target = run->samples_to_target = INFINITY;
}

static gboolean reaches(const nnlab_compare *c, double value) {
  if (!isfinite(value)) return FALSE;
  return nnlab_compare_metric_higher_is_better(c->target_metric)
             ? value >= c->target
             : value <= c->target;
}

void compare_run_finish_curves(const nnlab_compare *c, nnlab_compare_run *run) {
  if (run->status == NNLAB_COMPARE_DIVERGED && run->diverged_epoch > 0)
    for (size_t e = run->diverged_epoch - 1; e < run->n_epochs; e++)
      run->states[e] = NNLAB_COMPARE_EPOCH_DIVERGED;
  if (!c->has_target) return;
  const double *curve = run->curves[c->target_metric];
  for (size_t e = 0; e < run->epochs_done; e++)
    if (reaches(c, curve[e])) {
      run->epochs_to_target = (double)(e + 1);
      run->seconds_to_target = run->seconds[e];
      run->steps_to_target = run->steps[e];
      run->samples_to_target = run->samples[e];
      return;
    }
}

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

typedef struct pool_context {
  nnlab_compare *compare;
  GAsyncQueue *finished; /* run index + 1 */
} pool_context;

static void work(gpointer item, gpointer user_data) {
  pool_context *context = user_data;
  size_t index = GPOINTER_TO_SIZE(item) - 1;
  if (context->compare->kind == NNLAB_COMPARE_DATASET)
    compare_run_dataset(context->compare, index);
  else
    compare_run_function(context->compare, index);
  g_async_queue_push(context->finished, item);
}

gboolean nnlab_compare_execute(nnlab_compare *c, guint jobs,
                               nnlab_compare_progress_fn progress,
                               void *progress_data, GError **error) {
  if (jobs == 0) jobs = g_get_num_processors();
  jobs = (guint)MIN(jobs, MAX(c->n_runs, 1));
  nnlab_compare_progress state = {.runs_total = c->n_runs, .eta = NAN};
  for (size_t i = 0; i < c->n_runs; i++)
    state.epochs_total += c->runs[i].n_epochs;
  g_atomic_int_set(&c->priv->epochs_done, 0);
  /* The runs are the parallel work: each one's matrix products stay on
   * its own thread (the numbers are the same either way). */
  size_t compute_threads = pool_threads();
  if (jobs > 1) pool_set_threads(1);
  pool_context context = {c, g_async_queue_new()};
  GThreadPool *pool =
      g_thread_pool_new(work, &context, (gint)jobs, TRUE, error);
  if (!pool) {
    g_async_queue_unref(context.finished);
    pool_set_threads(compute_threads);
    return FALSE;
  }
  for (size_t i = 0; i < c->n_runs; i++)
    g_thread_pool_push(pool, GSIZE_TO_POINTER(i + 1), NULL);
  gint64 start = g_get_monotonic_time();
  while (state.runs_done < c->n_runs) {
    gpointer item =
        g_async_queue_timeout_pop(context.finished, PROGRESS_INTERVAL_US);
    state.finished = item ? &c->runs[GPOINTER_TO_SIZE(item) - 1] : NULL;
    if (item) state.runs_done++;
    state.epochs_done = (size_t)g_atomic_int_get(&c->priv->epochs_done);
    state.elapsed = (double)(g_get_monotonic_time() - start) / 1e6;
    state.eta = state.epochs_done
                    ? state.elapsed *
                          (double)(state.epochs_total - state.epochs_done) /
                          (double)state.epochs_done
                    : NAN;
    if (progress) progress(&state, progress_data);
  }
  g_thread_pool_free(pool, FALSE, TRUE);
  g_async_queue_unref(context.finished);
  pool_set_threads(compute_threads);
  compare_summarize(c);
  return TRUE;
}
