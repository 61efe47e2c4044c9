/* Running a comparison: every run on a pool of worker threads, each run
 * private to its thread. The dataset was loaded once on the calling
 * thread and is only read; plugins and the registry are read-only. HDF5
 * is never called from a worker (Debian's libhdf5 is not thread-safe). */
#include <math.h>

#include "compare/compare_internal.h"
#include "compare/compare_runs.h"
#include "compute/thread_pool.h"

#define PROGRESS_INTERVAL_US 250000

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
