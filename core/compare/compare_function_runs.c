/* An optimizer plugin run on a test function (compare_functions.c) with
 * the exact gradient, plus the problem's noise: one run's loss curve,
 * trajectory and status. It calls the optimizer's step directly, with no
 * model, dataset or trainer. */
#include <math.h>
#include <string.h>

#include <nnlab/hparams.h>

#include "compare/compare_curves.h"
#include "compare/compare_internal.h"
#include "compare/compare_runs.h"
#include "plugins/plugin_call.h"

#define PROGRESS_CHUNK 64 /* steps between progress updates */

static gboolean all_finite(const double *v, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (!isfinite(v[i])) return FALSE;
  return TRUE;
}

/* The gradient the optimizer sees at x: exact, plus the problem's noise
 * drawn from rng. quadratic_deep's full batch (0) averages infinitely many
 * samples: m = 0, the exact gradient. scratch holds dim doubles. */
static void noisy_gradient(const compare_function *f, size_t batch_size,
                           const double *x, nnlab_rng *rng, double *scratch,
                           double *g) {
  if (f->kind == COMPARE_QUADRATIC_DEEP && batch_size > 0) {
    double scale = 1 / sqrt((double)batch_size);
    for (size_t i = 0; i < f->dim; i++)
      scratch[i] = x[i] - scale * nnlab_rng_normal(rng);
    compare_function_gradient(f, scratch, g);
    return;
  }
  compare_function_gradient(f, x, g);
  if (f->noise > 0)
    for (size_t i = 0; i < 2; i++) g[i] += f->noise * nnlab_rng_normal(rng);
}

typedef struct function_state {
  size_t dim, n_slots;
  float *params, *grads;
  float *slots[NNLAB_MAX_SLOTS];
  double *x, *g, *scratch;
} function_state;

static void function_state_init(function_state *s, size_t dim,
                                const nnlab_plugin_info *optimizer) {
  memset(s, 0, sizeof *s);
  s->dim = dim;
  s->params = g_new0(float, dim);
  s->grads = g_new0(float, dim);
  while (s->n_slots < NNLAB_MAX_SLOTS &&
         optimizer->optimizer.slot_names[s->n_slots])
    s->slots[s->n_slots++] = g_new0(float, dim);
  s->x = g_new0(double, dim);
  s->g = g_new0(double, dim);
  s->scratch = g_new0(double, dim);
}

static void function_state_clear(function_state *s) {
  g_free(s->params);
  g_free(s->grads);
  for (size_t i = 0; i < s->n_slots; i++) g_free(s->slots[i]);
  g_free(s->x);
  g_free(s->g);
  g_free(s->scratch);
}

static void stop_run(nnlab_compare_run *run, nnlab_compare_status status,
                     size_t step, const char *what) {
  run->status = status;
  if (status == NNLAB_COMPARE_DIVERGED) {
    run->diverged_epoch = step;
    run->message =
        g_strdup_printf("diverged at step %zu: %s is not finite", step, what);
  } else {
    run->message = g_strdup_printf("failed at step %zu: %s", step, what);
  }
}

/* Where step (1-based) leaves the run on the x axes: one step per
 * "epoch", samples_per_step samples each (NaN: it draws none). */
static void record_position(nnlab_compare_run *run, size_t step,
                            double samples_per_step) {
  run->steps[step - 1] = (double)step;
  run->samples[step - 1] = samples_per_step * (double)step;
}

void compare_run_function(nnlab_compare *c, size_t index) {
  nnlab_compare_run *run = &c->runs[index];
  const compare_function *f = &c->priv->function;
  const nnlab_component *configured = &c->priv->optimizers[run->candidate];
  size_t dim = f->dim, steps = f->steps;
  compare_run_alloc_curves(run, steps);
  nnlab_component optimizer;
  nnlab_component_copy(&optimizer, configured);
  optimizer.hparams[nnlab_hparams_index(optimizer.info, "lr")].f = run->lr;
  function_state s;
  function_state_init(&s, dim, optimizer.info);
  for (size_t i = 0; i < dim; i++)
    s.params[i] = dim == 2 ? (float)f->start[i] : 1.0f;
  run->init_digest = compare_digest_floats(s.params, dim);
  gboolean planar = c->kind == NNLAB_COMPARE_FUNCTION_2D;
  if (planar) {
    run->trajectory = g_new(double, 2 * (steps + 1));
    run->trajectory[0] = s.params[0];
    run->trajectory[1] = s.params[1];
    run->n_points = 1;
  }
  nnlab_rng rng;
  nnlab_rng_seed(&rng, run->seed);
  size_t batch = c->priv->batch_sizes[run->candidate];
  double samples_per_step =
      c->kind == NNLAB_COMPARE_QUADRATIC && batch > 0 ? (double)batch : NAN;
  gint64 start = g_get_monotonic_time();
  run->status = NNLAB_COMPARE_OK;
  size_t reported = 0;
  for (size_t step = 1; step <= steps; step++) {
    for (size_t i = 0; i < dim; i++) s.x[i] = s.params[i];
    noisy_gradient(f, batch, s.x, &rng, s.scratch, s.g);
    if (!all_finite(s.g, dim)) {
      record_position(run, step, samples_per_step);
      stop_run(run, NNLAB_COMPARE_DIVERGED, step, "the gradient");
      break;
    }
    for (size_t i = 0; i < dim; i++) s.grads[i] = (float)s.g[i];
    plugin_call_begin(optimizer.info, PLUGIN_PHASE_STEP, 0);
    nnlab_status status = optimizer.info->optimizer.step(
        s.params, s.grads, s.slots, dim, step, optimizer.hparams);
    plugin_call_end();
    if (status != NNLAB_STATUS_OK && status != NNLAB_STATUS_NUMERIC) {
      stop_run(run, NNLAB_COMPARE_FAILED, step, nnlab_status_message(status));
      break;
    }
    for (size_t i = 0; i < dim; i++) s.x[i] = s.params[i];
    double loss = compare_function_eval(f, s.x);
    if (status == NNLAB_STATUS_NUMERIC || !all_finite(s.x, dim) ||
        !isfinite(loss)) {
      record_position(run, step, samples_per_step);
      stop_run(run, NNLAB_COMPARE_DIVERGED, step, "an updated parameter");
      break;
    }
    run->curves[NNLAB_COMPARE_TRAIN_LOSS][step - 1] = loss;
    run->lr_curve[step - 1] = run->lr;
    run->seconds[step - 1] = (double)(g_get_monotonic_time() - start) / 1e6;
    run->states[step - 1] = NNLAB_COMPARE_EPOCH_TRAINED;
    record_position(run, step, samples_per_step);
    run->epochs_done = step;
    if (planar) {
      run->trajectory[2 * step] = s.x[0];
      run->trajectory[2 * step + 1] = s.x[1];
      run->n_points = step + 1;
    }
    if (step % PROGRESS_CHUNK == 0) {
      g_atomic_int_add(&c->priv->epochs_done, PROGRESS_CHUNK);
      reported += PROGRESS_CHUNK;
    }
  }
  g_atomic_int_add(&c->priv->epochs_done, (gint)(steps - reported));
  if (run->status == NNLAB_COMPARE_OK && run->epochs_done)
    run->final[NNLAB_COMPARE_TRAIN_LOSS] =
        run->curves[NNLAB_COMPARE_TRAIN_LOSS][run->epochs_done - 1];
  run->wall_seconds = (double)(g_get_monotonic_time() - start) / 1e6;
  compare_run_finish_curves(c, run);
  function_state_clear(&s);
  nnlab_component_clear(&optimizer);
}
