/* nnlab compare's results on the terminal: the ranked table, and the same
 * as one --json object on stdout. Presentation only: it reads a finished
 * nnlab_compare, computes no statistics (core/compare/compare_stats.c does) and
 * writes no files (core/compare/compare_save.c does). */
#include "compare_output.h"

#include <math.h>
#include <string.h>

#include "json_output.h"

/* ---- The table ---------------------------------------------------------- */

/* Cells of a table, printed with columns padded by display width. */
typedef struct table {
  size_t n_columns;
  GPtrArray *cells; /* row-major, owned strings */
} table;

static void table_add(table *t, char *cell) {
  g_ptr_array_add(t->cells, cell);
}

static void table_print(const table *t, FILE *out) {
  size_t n = t->cells->len, columns = t->n_columns;
  g_autofree size_t *widths = g_new0(size_t, columns);
  for (size_t i = 0; i < n; i++) {
    const char *cell = g_ptr_array_index(t->cells, i);
    widths[i % columns] =
        MAX(widths[i % columns], (size_t)g_utf8_strlen(cell, -1));
  }
  g_autoptr(GString) line = g_string_new(NULL);
  for (size_t i = 0; i < n; i++) {
    const char *cell = g_ptr_array_index(t->cells, i);
    size_t column = i % columns, pad = widths[column] - g_utf8_strlen(cell, -1);
    gboolean left = column <= 1; /* rank and name */
    if (column) g_string_append(line, "  ");
    if (!left) g_string_append_printf(line, "%*s", (int)pad, "");
    g_string_append(line, cell);
    if (left) g_string_append_printf(line, "%*s", (int)pad, "");
    if (column + 1 < columns) continue;
    while (line->len && line->str[line->len - 1] == ' ')
      g_string_truncate(line, line->len - 1);
    fprintf(out, "%s\n", line->str);
    g_string_truncate(line, 0);
  }
}

/* Accuracy and r2: fractions, shown with fixed decimals. */
static gboolean is_accuracy(size_t metric) {
  return nnlab_compare_metric_higher_is_better(metric);
}

static char *format_value(double v, gboolean accuracy) {
  if (isnan(v)) return g_strdup("-");
  return accuracy ? g_strdup_printf("%.4f", v) : g_strdup_printf("%.4g", v);
}

static char *format_mean_std(const nnlab_compare_stats *s, gboolean accuracy) {
  if (s->n == 0) return g_strdup("-");
  if (s->n == 1) return format_value(s->mean, accuracy);
  g_autofree char *mean = format_value(s->mean, accuracy);
  g_autofree char *std = accuracy ? g_strdup_printf("%.4f", s->std)
                                  : g_strdup_printf("%.2g", s->std);
  return g_strdup_printf("%s ± %s", mean, std);
}

static char *format_range(const nnlab_compare_stats *s, gboolean accuracy) {
  if (s->n <= 1) return g_strdup("");
  g_autofree char *min = format_value(s->min, accuracy);
  g_autofree char *max = format_value(s->max, accuracy);
  return g_strdup_printf("%s..%s", min, max);
}

/* The final metrics any run has a value for (train loss at least) among
 * each part's loss, accuracy (classification) and rmse (regression) and
 * the metrics the table is sorted and timed by; summary.csv, results.h5
 * and --json have mae and r2 too. */
static gboolean metric_shown(const nnlab_compare *c, size_t metric) {
  if (metric == NNLAB_COMPARE_TRAIN_LOSS) return TRUE;
  gboolean in_table =
      metric % NNLAB_COMPARE_N_MEASURES <= NNLAB_COMPARE_TRAIN_RMSE ||
      metric == c->sort_by || (c->has_target && metric == c->target_metric);
  if (!in_table) return FALSE;
  for (size_t i = 0; i < c->n_runs; i++)
    if (isfinite(c->runs[i].final[metric])) return TRUE;
  return FALSE;
}

static const char *metric_label(const nnlab_compare *c, size_t metric) {
  if (c->kind != NNLAB_COMPARE_DATASET && metric == NNLAB_COMPARE_TRAIN_LOSS)
    return "loss";
  return nnlab_compare_metric_name(metric);
}

/* With x_axis = step or samples the table also counts the work to the
 * target in that unit, unless epochs already are steps (test functions). */
static gboolean work_to_target_shown(const nnlab_compare *c) {
  if (!c->has_target || c->x_axis == NNLAB_COMPARE_X_EPOCH) return FALSE;
  return c->x_axis == NNLAB_COMPARE_X_SAMPLES ||
         c->kind == NNLAB_COMPARE_DATASET;
}

static double median_work_to_target(const nnlab_compare *c,
                                    const nnlab_compare_row *row) {
  return c->x_axis == NNLAB_COMPARE_X_SAMPLES ? row->median_samples_to_target
                                              : row->median_steps_to_target;
}

static void print_heading(const nnlab_compare *c, FILE *out) {
  fprintf(out, "%s: %zu candidate%s x %zu seed%s, %zu runs\n", c->title,
          c->n_candidates, c->n_candidates == 1 ? "" : "s", c->n_seeds,
          c->n_seeds == 1 ? "" : "s", c->n_runs);
  fprintf(out, "problem: %s\n", c->problem);
  const char *sort =
      c->kind != NNLAB_COMPARE_DATASET && c->sort_by == NNLAB_COMPARE_TRAIN_LOSS
          ? "loss"
          : nnlab_compare_metric_name(c->sort_by);
  fprintf(out, "sorted by %s (%s), best first", sort,
          c->sort_by >= NNLAB_COMPARE_EPOCHS_TO_TARGET ? "median" : "mean");
  if (c->has_target)
    fprintf(
        out, "; target: %s %s %g", metric_label(c, c->target_metric),
        nnlab_compare_metric_higher_is_better(c->target_metric) ? ">=" : "<=",
        c->target);
  fprintf(out, "; baseline: %s\n", c->candidates[c->baseline].name);
  if (c->mixed_losses)
    fprintf(out,
            "candidates train with different losses: each loss column is "
            "the candidate's own loss and does not rank them\n");
  fputc('\n', out);
}

static void add_header(table *t, const nnlab_compare *c, const gboolean *shown,
                       gboolean any_failed) {
  table_add(t, g_strdup("#"));
  table_add(t, g_strdup("candidate"));
  table_add(t, g_strdup("lr"));
  for (size_t m = 0; m < NNLAB_COMPARE_N_FINAL; m++)
    if (shown[m]) table_add(t, g_strdup(metric_label(c, m)));
  if (c->has_target) {
    table_add(t, g_strdup_printf("%ss to target", c->epoch_unit));
    if (work_to_target_shown(c))
      table_add(t, g_strdup(c->x_axis == NNLAB_COMPARE_X_SAMPLES
                                ? "samples to target"
                                : "steps to target"));
    table_add(t, g_strdup("time to target"));
  }
  table_add(t, g_strdup("diverged"));
  if (any_failed) table_add(t, g_strdup("failed"));
  table_add(t, g_strdup_printf("wins vs %s", c->candidates[c->baseline].name));
}

static char *format_median(double median, size_t reached, size_t runs,
                           gboolean seconds) {
  if (!isfinite(median))
    return g_strdup_printf("never (%zu/%zu)", reached, runs);
  if (seconds && median < 0.1) return g_strdup_printf("%.2gms", median * 1000);
  if (seconds) return g_strdup_printf("%.2fs", median);
  return g_strdup_printf("%.10g (%zu/%zu)", median, reached, runs);
}

/* Two lines per candidate: mean +- std, then min..max. */
static void add_row(table *t, const nnlab_compare *c, size_t rank,
                    const gboolean *shown, gboolean any_failed) {
  const nnlab_compare_row *row = &c->rows[rank];
  const nnlab_compare_candidate *cand = &c->candidates[row->candidate];
  table_add(t, g_strdup_printf("%zu", rank + 1));
  table_add(t, g_strdup(cand->name));
  table_add(t, g_strdup_printf("%.3g", row->lr));
  for (size_t m = 0; m < NNLAB_COMPARE_N_FINAL; m++)
    if (shown[m]) table_add(t, format_mean_std(&row->final[m], is_accuracy(m)));
  if (c->has_target) {
    table_add(t, format_median(row->median_epochs_to_target, row->reached,
                               row->n_runs, FALSE));
    if (work_to_target_shown(c))
      table_add(t, format_median(median_work_to_target(c, row), row->reached,
                                 row->n_runs, FALSE));
    table_add(t, format_median(row->median_seconds_to_target, row->reached,
                               row->n_runs, TRUE));
  }
  table_add(t, g_strdup_printf("%zu", row->diverged));
  if (any_failed) table_add(t, g_strdup_printf("%zu", row->failed));
  table_add(t, row->candidate == c->baseline
                   ? g_strdup("baseline")
                   : g_strdup_printf("%zu/%zu", row->wins, row->paired));
  /* The second line: ranges under the means. */
  if (c->n_seeds < 2) return;
  for (size_t i = 0; i < 3; i++) table_add(t, g_strdup(""));
  for (size_t m = 0; m < NNLAB_COMPARE_N_FINAL; m++)
    if (shown[m]) table_add(t, format_range(&row->final[m], is_accuracy(m)));
  size_t rest = t->n_columns - 3;
  for (size_t m = 0; m < NNLAB_COMPARE_N_FINAL; m++) rest -= shown[m];
  for (size_t i = 0; i < rest; i++) table_add(t, g_strdup(""));
}

static void print_sweeps(const nnlab_compare *c, FILE *out) {
  gboolean any = FALSE;
  int width = 0;
  for (size_t i = 0; i < c->n_candidates; i++)
    if (c->candidates[i].n_lrs > 1)
      width = MAX(width, (int)g_utf8_strlen(c->candidates[i].name, -1));
  for (size_t i = 0; i < c->n_candidates; i++) {
    const nnlab_compare_candidate *cand = &c->candidates[i];
    if (cand->n_lrs < 2) continue;
    if (!any)
      fprintf(out,
              "\nlearning-rate sweeps: mean final %s over the seeds "
              "(* chosen; a diverged or failed run makes it the worst)\n",
              metric_label(c, c->sweep_metric));
    any = TRUE;
    int pad = width - (int)g_utf8_strlen(cand->name, -1);
    fprintf(out, "  %s:%*s", cand->name, pad, "");
    for (size_t l = 0; l < cand->n_lrs; l++) {
      double score = cand->sweep_scores[l];
      g_autofree char *value =
          isfinite(score) ? format_value(score, is_accuracy(c->sweep_metric))
                          : g_strdup("diverged");
      fprintf(out, "  %.3g: %s%s", cand->lrs[l], value,
              l == cand->best_lr ? "*" : "");
    }
    fputc('\n', out);
  }
}

void compare_print_table(const nnlab_compare *c, FILE *out) {
  print_heading(c, out);
  gboolean shown[NNLAB_COMPARE_N_FINAL];
  size_t columns = 5 + (c->has_target ? 2 : 0) + work_to_target_shown(c);
  gboolean any_failed = FALSE;
  for (size_t i = 0; i < c->n_rows; i++) any_failed |= c->rows[i].failed > 0;
  columns += any_failed;
  for (size_t m = 0; m < NNLAB_COMPARE_N_FINAL; m++) {
    shown[m] = metric_shown(c, m);
    columns += shown[m];
  }
  table t = {columns, g_ptr_array_new_with_free_func(g_free)};
  add_header(&t, c, shown, any_failed);
  for (size_t r = 0; r < c->n_rows; r++) add_row(&t, c, r, shown, any_failed);
  table_print(&t, out);
  g_ptr_array_unref(t.cells);
  fprintf(
      out,
      "\nfinal values: mean ± std (sample), min..max below, over the "
      "runs that did not diverge; wins: seeds where it beats the "
      "baseline by %s\n",
      c->kind != NNLAB_COMPARE_DATASET && c->sort_by == NNLAB_COMPARE_TRAIN_LOSS
          ? "loss"
          : nnlab_compare_metric_name(c->sort_by));
  print_sweeps(c, out);
}

/* ---- JSON -------------------------------------------------------------- */

static void add_number(JsonBuilder *b, const char *name, double value) {
  json_builder_set_member_name(b, name);
  if (isfinite(value))
    json_builder_add_double_value(b, value);
  else
    json_builder_add_null_value(b);
}

static void add_int(JsonBuilder *b, const char *name, size_t value) {
  json_builder_set_member_name(b, name);
  json_builder_add_int_value(b, (gint64)value);
}

static void add_stats(JsonBuilder *b, const char *name,
                      const nnlab_compare_stats *s) {
  json_builder_set_member_name(b, name);
  json_builder_begin_object(b);
  add_int(b, "n", s->n);
  add_number(b, "mean", s->mean);
  add_number(b, "std", s->std);
  add_number(b, "min", s->min);
  add_number(b, "max", s->max);
  json_builder_end_object(b);
}

static void add_json_row(JsonBuilder *b, const nnlab_compare *c, size_t rank) {
  const nnlab_compare_row *row = &c->rows[rank];
  const nnlab_compare_candidate *cand = &c->candidates[row->candidate];
  json_builder_begin_object(b);
  add_int(b, "rank", rank + 1);
  json_add_string_member(b, "candidate", cand->name);
  json_add_string_member(b, "settings", cand->settings);
  add_number(b, "lr", row->lr);
  add_int(b, "runs", row->n_runs);
  add_int(b, "diverged", row->diverged);
  add_int(b, "failed", row->failed);
  for (size_t m = 0; m < NNLAB_COMPARE_N_FINAL; m++)
    add_stats(b, nnlab_compare_metric_name(m), &row->final[m]);
  if (c->has_target) {
    add_number(b, "median_epochs_to_target", row->median_epochs_to_target);
    add_number(b, "median_seconds_to_target", row->median_seconds_to_target);
    add_number(b, "median_steps_to_target", row->median_steps_to_target);
    add_number(b, "median_samples_to_target", row->median_samples_to_target);
    add_int(b, "reached_target", row->reached);
  }
  json_builder_set_member_name(b, "baseline");
  json_builder_add_boolean_value(b, row->candidate == c->baseline);
  add_int(b, "wins", row->wins);
  add_int(b, "paired", row->paired);
  if (cand->n_lrs > 1) {
    json_builder_set_member_name(b, "sweep");
    json_builder_begin_array(b);
    for (size_t l = 0; l < cand->n_lrs; l++) {
      json_builder_begin_object(b);
      add_number(b, "lr", cand->lrs[l]);
      add_number(b, "score", cand->sweep_scores[l]);
      json_builder_set_member_name(b, "chosen");
      json_builder_add_boolean_value(b, l == cand->best_lr);
      json_builder_end_object(b);
    }
    json_builder_end_array(b);
  }
  json_builder_end_object(b);
}

void compare_print_json(const nnlab_compare *c, const char *out_dir,
                        const GPtrArray *files) {
  g_autoptr(JsonBuilder) b = json_builder_new();
  json_builder_begin_object(b);
  json_add_string_member(b, "title", c->title);
  json_add_string_member(b, "problem", c->problem);
  json_add_string_member(b, "epoch_unit", c->epoch_unit);
  json_add_string_member(b, "x_axis", nnlab_compare_x_axis_name(c->x_axis));
  add_int(b, "runs", c->n_runs);
  json_builder_set_member_name(b, "seeds");
  json_builder_begin_array(b);
  for (size_t i = 0; i < c->n_seeds; i++)
    json_builder_add_int_value(b, (gint64)c->seeds[i]);
  json_builder_end_array(b);
  json_add_string_member(b, "sort_by", nnlab_compare_metric_name(c->sort_by));
  json_add_string_member(b, "sweep_metric",
                         nnlab_compare_metric_name(c->sweep_metric));
  if (c->has_target) {
    json_add_string_member(b, "target_metric",
                           nnlab_compare_metric_name(c->target_metric));
    add_number(b, "target", c->target);
  }
  json_add_string_member(b, "baseline", c->candidates[c->baseline].name);
  json_builder_set_member_name(b, "mixed_losses");
  json_builder_add_boolean_value(b, c->mixed_losses);
  json_builder_set_member_name(b, "rows");
  json_builder_begin_array(b);
  for (size_t r = 0; r < c->n_rows; r++) add_json_row(b, c, r);
  json_builder_end_array(b);
  if (out_dir) json_add_string_member(b, "out", out_dir);
  if (files) {
    json_builder_set_member_name(b, "files");
    json_builder_begin_array(b);
    for (guint i = 0; i < files->len; i++)
      json_builder_add_string_value(b, g_ptr_array_index(files, i));
    json_builder_end_array(b);
  }
  json_builder_end_object(b);
  print_json(b);
}
