/* Statistics of a comparison: each sweep's learning rate, then per
 * candidate the spread over seeds, time to target, and the paired
 * comparison with the baseline. Computed from the finished runs alone:
 * no I/O, no training. */
#include <math.h>
#include <stdlib.h>

#include "compare/compare_internal.h"

static double worst(nnlab_compare_metric metric) {
  return nnlab_compare_metric_higher_is_better(metric) ? -INFINITY : INFINITY;
}

/* Strictly better; NaN is never better. */
static gboolean better(nnlab_compare_metric metric, double a, double b) {
  if (isnan(a)) return FALSE;
  if (isnan(b)) return TRUE;
  return nnlab_compare_metric_higher_is_better(metric) ? a > b : a < b;
}

/* A run's value by metric: its final value (the worst possible when it
 * diverged or failed), or its time to the target. */
static double run_value(const nnlab_compare_run *run,
                        nnlab_compare_metric metric) {
  if (metric == NNLAB_COMPARE_EPOCHS_TO_TARGET) return run->epochs_to_target;
  if (metric == NNLAB_COMPARE_SECONDS_TO_TARGET) return run->seconds_to_target;
  if (run->status != NNLAB_COMPARE_OK) return worst(metric);
  return run->final[metric];
}

/* The first of a candidate's runs: runs are candidate-major, then grid
 * point, then seed. */
static size_t first_run(const nnlab_compare *c, size_t candidate) {
  size_t index = 0;
  for (size_t i = 0; i < candidate; i++)
    index += c->candidates[i].n_lrs * c->n_seeds;
  return index;
}

const nnlab_compare_run **nnlab_compare_row_runs(const nnlab_compare *c,
                                                 const nnlab_compare_row *row,
                                                 size_t *n) {
  const nnlab_compare_candidate *cand = &c->candidates[row->candidate];
  size_t first = first_run(c, row->candidate) + cand->best_lr * c->n_seeds;
  const nnlab_compare_run **runs = g_new(const nnlab_compare_run *, c->n_seeds);
  for (size_t k = 0; k < c->n_seeds; k++) runs[k] = &c->runs[first + k];
  *n = c->n_seeds;
  return runs;
}

static void select_learning_rates(nnlab_compare *c) {
  for (size_t i = 0; i < c->n_candidates; i++) {
    nnlab_compare_candidate *cand = &c->candidates[i];
    const nnlab_compare_run *runs = c->runs + first_run(c, i);
    cand->best_lr = 0;
    for (size_t l = 0; l < cand->n_lrs; l++) {
      double sum = 0;
      for (size_t k = 0; k < c->n_seeds; k++)
        sum += run_value(&runs[l * c->n_seeds + k], c->sweep_metric);
      cand->sweep_scores[l] = sum / (double)c->n_seeds;
      if (better(c->sweep_metric, cand->sweep_scores[l],
                 cand->sweep_scores[cand->best_lr]))
        cand->best_lr = l;
    }
  }
}

static nnlab_compare_stats stats_of(const double *values, size_t n) {
  nnlab_compare_stats s = {0, NAN, NAN, NAN, NAN};
  double sum = 0;
  for (size_t i = 0; i < n; i++) {
    if (!isfinite(values[i])) continue;
    if (s.n == 0) s.min = s.max = values[i];
    s.min = MIN(s.min, values[i]);
    s.max = MAX(s.max, values[i]);
    sum += values[i];
    s.n++;
  }
  if (s.n == 0) return s;
  s.mean = sum / (double)s.n;
  double squares = 0;
  for (size_t i = 0; i < n; i++)
    if (isfinite(values[i]))
      squares += (values[i] - s.mean) * (values[i] - s.mean);
  s.std = s.n > 1 ? sqrt(squares / (double)(s.n - 1)) : 0;
  return s;
}

static int compare_doubles(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Infinity counts as a value larger than any; a NaN (not applicable)
 * makes the median NaN. */
static double median(double *values, size_t n) {
  if (n == 0) return NAN;
  for (size_t i = 0; i < n; i++)
    if (isnan(values[i])) return NAN;
  qsort(values, n, sizeof *values, compare_doubles);
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

static void fill_row(const nnlab_compare *c, nnlab_compare_row *row) {
  size_t n = 0;
  g_autofree const nnlab_compare_run **runs =
      nnlab_compare_row_runs(c, row, &n);
  row->lr = runs[0]->lr;
  row->n_runs = n;
  g_autofree double *values = g_new(double, n);
  for (size_t m = 0; m < NNLAB_COMPARE_N_FINAL; m++) {
    for (size_t k = 0; k < n; k++) values[k] = runs[k]->final[m];
    row->final[m] = stats_of(values, n);
  }
  for (size_t k = 0; k < n; k++) {
    row->diverged += runs[k]->status == NNLAB_COMPARE_DIVERGED;
    row->failed += runs[k]->status == NNLAB_COMPARE_FAILED;
    row->reached += isfinite(runs[k]->epochs_to_target);
    values[k] = runs[k]->epochs_to_target;
  }
  row->median_epochs_to_target = median(values, n);
  for (size_t k = 0; k < n; k++) values[k] = runs[k]->seconds_to_target;
  row->median_seconds_to_target = median(values, n);
  for (size_t k = 0; k < n; k++) values[k] = runs[k]->steps_to_target;
  row->median_steps_to_target = median(values, n);
  for (size_t k = 0; k < n; k++) values[k] = runs[k]->samples_to_target;
  row->median_samples_to_target = median(values, n);
}

/* Seeds on which row beats the baseline by the sort metric. */
static void pair_with(const nnlab_compare *c, nnlab_compare_row *row,
                      const nnlab_compare_row *baseline) {
  if (row == baseline) return;
  size_t n = 0, m = 0;
  g_autofree const nnlab_compare_run **runs =
      nnlab_compare_row_runs(c, row, &n);
  g_autofree const nnlab_compare_run **base =
      nnlab_compare_row_runs(c, baseline, &m);
  for (size_t k = 0; k < n; k++) {
    double a = run_value(runs[k], c->sort_by);
    double b = run_value(base[k], c->sort_by);
    if (isnan(a) && isnan(b)) continue;
    row->paired++;
    row->wins += better(c->sort_by, a, b);
  }
}

/* The value rows are sorted by. */
static double row_key(const nnlab_compare_row *row,
                      nnlab_compare_metric metric) {
  if (metric == NNLAB_COMPARE_EPOCHS_TO_TARGET)
    return row->median_epochs_to_target;
  if (metric == NNLAB_COMPARE_SECONDS_TO_TARGET)
    return row->median_seconds_to_target;
  return row->final[metric].n ? row->final[metric].mean : worst(metric);
}

static int compare_rows(const void *a, const void *b, void *user_data) {
  const nnlab_compare *c = user_data;
  const nnlab_compare_row *x = a, *y = b;
  double kx = row_key(x, c->sort_by), ky = row_key(y, c->sort_by);
  if (better(c->sort_by, kx, ky)) return -1;
  if (better(c->sort_by, ky, kx)) return 1;
  return (x->candidate > y->candidate) - (x->candidate < y->candidate);
}

void compare_summarize(nnlab_compare *c) {
  select_learning_rates(c);
  g_free(c->rows);
  c->n_rows = c->n_candidates;
  c->rows = g_new0(nnlab_compare_row, c->n_rows);
  for (size_t i = 0; i < c->n_rows; i++) {
    c->rows[i].candidate = i;
    fill_row(c, &c->rows[i]);
  }
  for (size_t i = 0; i < c->n_rows; i++)
    pair_with(c, &c->rows[i], &c->rows[c->baseline]);
  g_qsort_with_data(c->rows, (gint)c->n_rows, sizeof *c->rows, compare_rows, c);
}
