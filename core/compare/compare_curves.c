/* A run's curves: allocated empty (NaN, not run), then, once filled,
 * marked from the epoch it diverged in and searched for the first epoch
 * that reaches the target. It runs nothing and keeps no state. */
#include <math.h>

#include "compare/compare_curves.h"

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
