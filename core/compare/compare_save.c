/* A comparison's files: results.h5 (every run: curves, final values,
 * config) and summary.csv (the table). Layout in docs/compare.md. Both are
 * replaced atomically; they record results, they compute none. */
#include <math.h>
#include <string.h>

#include "io/atomic_file.h"
#include "compare/compare_internal.h"
#include "io/h5_arrays.h"
#include "io/h5_attrs.h"
#include "io/h5_groups.h"
#include "io/h5_memory_file.h"

#define RESULTS_FORMAT "nnlab-compare"
#define RESULTS_FORMAT_VERSION 1

static const char *const kind_names[] = {"dataset", "function", "quadratic"};

static const char *status_name(nnlab_compare_status status) {
  switch (status) {
    case NNLAB_COMPARE_OK:
      return "ok";
    case NNLAB_COMPARE_DIVERGED:
      return "diverged";
    case NNLAB_COMPARE_FAILED:
      return "failed";
    case NNLAB_COMPARE_PENDING:
      break;
  }
  return "not run";
}

/* Zero-padded so that names sort in order. */
static char *member_name(size_t index, size_t count) {
  int width = 1;
  for (size_t n = count; n >= 10; n /= 10) width++;
  return g_strdup_printf("%0*zu", MAX(width, 4), index);
}

static gboolean write_doubles(hid_t parent, const char *name,
                              const double *values, hsize_t n, GError **error) {
  hsize_t dims[1] = {n};
  return h5_write_array(parent, name, H5T_NATIVE_DOUBLE, 1, dims, values,
                        error);
}

static gboolean write_root(hid_t root, const nnlab_compare *c, GError **error) {
  g_autoptr(GDateTime) now = g_date_time_new_now_utc();
  g_autofree char *created = g_date_time_format_iso8601(now);
  hsize_t seeds[1] = {c->n_seeds};
  G_STATIC_ASSERT(sizeof(uint64_t) == sizeof(guint64));
  return h5_attr_write_string(root, "format", RESULTS_FORMAT, error) &&
         h5_attr_write_int(root, "format_version", RESULTS_FORMAT_VERSION,
                           error) &&
         h5_attr_write_string(root, "nnlab_version", nnlab_version(), error) &&
         h5_attr_write_string(root, "created", created, error) &&
         h5_attr_write_string(root, "title", c->title, error) &&
         h5_attr_write_string(root, "spec", c->spec_text, error) &&
         h5_attr_write_string(root, "spec_path", c->spec_path, error) &&
         h5_attr_write_string(root, "kind", kind_names[c->kind], error) &&
         h5_attr_write_string(root, "problem", c->problem, error) &&
         (!c->priv->configs ||
          (h5_attr_write_string(root, "problem_config",
                                c->priv->configs[0]->path, error) &&
           h5_attr_write_string(root, "data_path",
                                c->priv->configs[0]->data_path, error))) &&
         h5_attr_write_string(root, "epoch_unit", c->epoch_unit, error) &&
         h5_attr_write_string(root, "x_axis",
                              nnlab_compare_x_axis_name(c->x_axis), error) &&
         h5_attr_write_string(root, "sort_by",
                              nnlab_compare_metric_name(c->sort_by), error) &&
         h5_attr_write_string(root, "sweep_metric",
                              nnlab_compare_metric_name(c->sweep_metric),
                              error) &&
         h5_attr_write_string(root, "target_metric",
                              nnlab_compare_metric_name(c->target_metric),
                              error) &&
         h5_write_double(root, "target", c->has_target ? c->target : NAN,
                         error) &&
         h5_attr_write_string(root, "baseline", c->candidates[c->baseline].name,
                              error) &&
         h5_write_uint64(root, "mixed_losses", c->mixed_losses, error) &&
         h5_write_array(root, "seeds", H5T_NATIVE_UINT64, 1, seeds, c->seeds,
                        error);
}

static gboolean write_candidates(hid_t root, const nnlab_compare *c,
                                 GError **error) {
  AUTO_GROUP group = h5_create_group(root, "candidates", error);
  if (group < 0) return FALSE;
  for (size_t i = 0; i < c->n_candidates; i++) {
    const nnlab_compare_candidate *cand = &c->candidates[i];
    g_autofree char *name = member_name(i, c->n_candidates);
    AUTO_GROUP g = h5_create_group(group, name, error);
    if (g < 0 || !h5_attr_write_string(g, "name", cand->name, error) ||
        !h5_attr_write_string(g, "settings", cand->settings, error) ||
        !h5_write_uint64(g, "best_lr", cand->best_lr, error) ||
        !write_doubles(g, "lrs", cand->lrs, cand->n_lrs, error) ||
        !write_doubles(g, "sweep_scores", cand->sweep_scores, cand->n_lrs,
                       error))
      return FALSE;
  }
  return TRUE;
}

static gboolean write_run_attrs(hid_t g, const nnlab_compare *c,
                                const nnlab_compare_run *run, GError **error) {
  const nnlab_compare_candidate *cand = &c->candidates[run->candidate];
  gboolean ok =
      h5_attr_write_string(g, "candidate", cand->name, error) &&
      h5_write_uint64(g, "candidate_index", run->candidate, error) &&
      h5_write_uint64(g, "lr_index", run->lr_index, error) &&
      h5_write_uint64(g, "reported", run->lr_index == cand->best_lr, error) &&
      h5_write_double(g, "lr", run->lr, error) &&
      h5_write_uint64(g, "seed", run->seed, error) &&
      h5_attr_write_string(g, "status", status_name(run->status), error) &&
      (!run->message ||
       h5_attr_write_string(g, "message", run->message, error)) &&
      (!run->init_digest ||
       h5_attr_write_string(g, "init_digest", run->init_digest, error)) &&
      h5_attr_write_string(g, "config", run->config_text, error) &&
      h5_write_uint64(g, "n_epochs", run->n_epochs, error) &&
      h5_write_uint64(g, "epochs_done", run->epochs_done, error) &&
      h5_write_uint64(g, "diverged_epoch", run->diverged_epoch, error) &&
      h5_write_double(g, "epochs_to_target", run->epochs_to_target, error) &&
      h5_write_double(g, "seconds_to_target", run->seconds_to_target, error) &&
      h5_write_double(g, "steps_to_target", run->steps_to_target, error) &&
      h5_write_double(g, "samples_to_target", run->samples_to_target, error) &&
      h5_write_double(g, "wall_seconds", run->wall_seconds, error);
  for (size_t m = 0; ok && m < NNLAB_COMPARE_N_FINAL; m++) {
    g_autofree char *name =
        g_strconcat("final_", nnlab_compare_metric_name(m), NULL);
    ok = h5_write_double(g, name, run->final[m], error);
  }
  return ok;
}

static gboolean write_run(hid_t parent, const char *name,
                          const nnlab_compare *c, const nnlab_compare_run *run,
                          GError **error) {
  AUTO_GROUP g = h5_create_group(parent, name, error);
  if (g < 0 || !write_run_attrs(g, c, run, error)) return FALSE;
  size_t n = run->n_epochs;
  g_autofree guint64 *states = g_new0(guint64, MAX(n, 1));
  g_autofree guint64 *epochs = g_new0(guint64, MAX(n, 1));
  for (size_t e = 0; e < n; e++) {
    states[e] = run->states ? run->states[e] : NNLAB_COMPARE_EPOCH_NOT_RUN;
    epochs[e] = e + 1;
  }
  hsize_t dims[1] = {n};
  if (!h5_write_array(g, "epoch", H5T_NATIVE_UINT64, 1, dims, epochs, error) ||
      !h5_write_array(g, "state", H5T_NATIVE_UINT64, 1, dims, states, error))
    return FALSE;
  for (size_t i = 0; run->curves[0] && i < NNLAB_COMPARE_N_CURVES; i++)
    if (!write_doubles(g, nnlab_compare_metric_name(i), run->curves[i], n,
                       error))
      return FALSE;
  if (run->lr_curve && (!write_doubles(g, "lr", run->lr_curve, n, error) ||
                        !write_doubles(g, "seconds", run->seconds, n, error) ||
                        !write_doubles(g, "steps", run->steps, n, error) ||
                        !write_doubles(g, "samples", run->samples, n, error)))
    return FALSE;
  hsize_t points[2] = {run->n_points, 2};
  return !run->trajectory || h5_write_array(g, "trajectory", H5T_NATIVE_DOUBLE,
                                            2, points, run->trajectory, error);
}

static gboolean write_runs(hid_t root, const nnlab_compare *c, GError **error) {
  AUTO_GROUP group = h5_create_group(root, "runs", error);
  if (group < 0) return FALSE;
  for (size_t i = 0; i < c->n_runs; i++) {
    g_autofree char *name = member_name(i, c->n_runs);
    if (!write_run(group, name, c, &c->runs[i], error)) {
      g_prefix_error(error, "/runs/%s: ", name);
      return FALSE;
    }
  }
  return TRUE;
}

/* The table, one value per row in table order for each column. */
static gboolean write_summary(hid_t root, const nnlab_compare *c,
                              GError **error) {
  AUTO_GROUP group = h5_create_group(root, "summary", error);
  if (group < 0) return FALSE;
  size_t n = c->n_rows;
  g_autofree const char **names = g_new0(const char *, n + 1);
  g_autofree double *column = g_new0(double, MAX(n, 1));
  for (size_t r = 0; r < n; r++)
    names[r] = c->candidates[c->rows[r].candidate].name;
  if (!h5_attr_write_strings(group, "candidates", names, n, error))
    return FALSE;
#define SUMMARY_COLUMN(label, expr)                                   \
  do {                                                                \
    for (size_t r = 0; r < n; r++) {                                  \
      const nnlab_compare_row *row = &c->rows[r];                     \
      column[r] = (double)(expr);                                     \
    }                                                                 \
    if (!write_doubles(group, label, column, n, error)) return FALSE; \
  } while (0)
  SUMMARY_COLUMN("lr", row->lr);
  SUMMARY_COLUMN("runs", row->n_runs);
  SUMMARY_COLUMN("diverged", row->diverged);
  SUMMARY_COLUMN("failed", row->failed);
  SUMMARY_COLUMN("reached", row->reached);
  SUMMARY_COLUMN("median_epochs_to_target", row->median_epochs_to_target);
  SUMMARY_COLUMN("median_seconds_to_target", row->median_seconds_to_target);
  SUMMARY_COLUMN("median_steps_to_target", row->median_steps_to_target);
  SUMMARY_COLUMN("median_samples_to_target", row->median_samples_to_target);
  SUMMARY_COLUMN("wins", row->wins);
  SUMMARY_COLUMN("paired", row->paired);
  for (size_t m = 0; m < NNLAB_COMPARE_N_FINAL; m++) {
    const char *metric = nnlab_compare_metric_name(m);
    g_autofree char *mean = g_strdup_printf("%s_mean", metric);
    g_autofree char *std = g_strdup_printf("%s_std", metric);
    g_autofree char *min = g_strdup_printf("%s_min", metric);
    g_autofree char *max = g_strdup_printf("%s_max", metric);
    SUMMARY_COLUMN(mean, row->final[m].mean);
    SUMMARY_COLUMN(std, row->final[m].std);
    SUMMARY_COLUMN(min, row->final[m].min);
    SUMMARY_COLUMN(max, row->final[m].max);
  }
#undef SUMMARY_COLUMN
  return TRUE;
}

static gboolean write_results(const char *path, const void *data,
                              GError **error) {
  const nnlab_compare *c = data;
  /* Built in memory, so a full disk or a file size limit is an error, not
   * a file HDF5 cannot close (h5_memory_file.h). */
  hid_t file = h5_memory_file_create(error);
  if (file < 0) return FALSE;
  gboolean ok = write_root(file, c, error) &&
                write_candidates(file, c, error) &&
                write_runs(file, c, error) && write_summary(file, c, error);
  return h5_memory_file_close(file, ok, path, error);
}

gboolean nnlab_compare_save_results(const nnlab_compare *c, const char *path,
                                    GError **error) {
  h5_silence silence;
  h5_silence_errors(&silence);
  gboolean ok = atomic_file_replace(path, write_results, c, error);
  h5_unsilence_errors(&silence);
  return ok;
}

/* ---- summary.csv ------------------------------------------------------- */

static void csv_number(GString *out, double value) {
  g_string_append_c(out, ',');
  if (isnan(value)) return;
  if (isinf(value)) {
    g_string_append(out, value > 0 ? "inf" : "-inf");
    return;
  }
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];
  g_string_append(out, g_ascii_formatd(buffer, sizeof buffer, "%.6g", value));
}

static void csv_text(GString *out, const char *text) {
  g_string_append_c(out, '"');
  for (const char *p = text; *p; p++) {
    if (*p == '"') g_string_append_c(out, '"');
    g_string_append_c(out, *p);
  }
  g_string_append_c(out, '"');
}

gboolean nnlab_compare_save_summary(const nnlab_compare *c, const char *path,
                                    GError **error) {
  GString *out =
      g_string_new("rank,candidate,settings,lr,runs,diverged,failed");
  for (size_t m = 0; m < NNLAB_COMPARE_N_FINAL; m++) {
    const char *name = nnlab_compare_metric_name(m);
    g_string_append_printf(out, ",%s_mean,%s_std,%s_min,%s_max", name, name,
                           name, name);
  }
  g_string_append(out,
                  ",median_epochs_to_target,median_seconds_to_target,"
                  "median_steps_to_target,median_samples_to_target,"
                  "reached,wins,paired\n");
  for (size_t r = 0; r < c->n_rows; r++) {
    const nnlab_compare_row *row = &c->rows[r];
    const nnlab_compare_candidate *cand = &c->candidates[row->candidate];
    g_string_append_printf(out, "%zu,", r + 1);
    csv_text(out, cand->name);
    g_string_append_c(out, ',');
    csv_text(out, cand->settings);
    csv_number(out, row->lr);
    g_string_append_printf(out, ",%zu,%zu,%zu", row->n_runs, row->diverged,
                           row->failed);
    for (size_t m = 0; m < NNLAB_COMPARE_N_FINAL; m++) {
      csv_number(out, row->final[m].mean);
      csv_number(out, row->final[m].std);
      csv_number(out, row->final[m].min);
      csv_number(out, row->final[m].max);
    }
    csv_number(out, c->has_target ? row->median_epochs_to_target : NAN);
    csv_number(out, c->has_target ? row->median_seconds_to_target : NAN);
    csv_number(out, c->has_target ? row->median_steps_to_target : NAN);
    csv_number(out, c->has_target ? row->median_samples_to_target : NAN);
    g_string_append_printf(out, ",%zu,%zu,%zu\n", row->reached, row->wins,
                           row->paired);
  }
  gboolean ok = nnlab_replace_file_contents(path, out->str, out->len, error);
  g_string_free(out, TRUE);
  return ok;
}
