/* nnlab data info: a dataset file's shape, classes, digest and column
 * statistics, as text or JSON. Read-only: it never writes the file, and
 * the statistics come from core/data/dataset_stats.c. */
#include <stdio.h>

#include <nnlab/nnlab.h>

#include "cmd_data.h"
#include "data_options.h"
#include "error_output.h"
#include "json_output.h"

typedef struct dataset_summary {
  const nnlab_dataset *dataset;
  nnlab_column_stats *features;
  nnlab_column_stats *targets; /* regression only */
  size_t *class_counts;        /* classification only */
  char *digest;
} dataset_summary;

static gboolean summarize(const nnlab_dataset *dataset,
                          dataset_summary *summary, GError **error) {
  summary->dataset = dataset;
  summary->features = nnlab_dataset_feature_stats(dataset, error);
  if (!summary->features) return FALSE;
  if (dataset->task == NNLAB_TASK_REGRESSION) {
    summary->targets = nnlab_dataset_target_stats(dataset, error);
    if (!summary->targets) return FALSE;
  }
  summary->class_counts = nnlab_dataset_class_counts(dataset);
  summary->digest = nnlab_dataset_digest(dataset);
  return TRUE;
}

static void summary_clear(dataset_summary *summary) {
  g_free(summary->features);
  g_free(summary->targets);
  g_free(summary->class_counts);
  g_free(summary->digest);
}

static void add_count(JsonBuilder *b, const char *key, size_t value) {
  json_builder_set_member_name(b, key);
  json_builder_add_int_value(b, (gint64)value);
}

static void add_stats_json(JsonBuilder *b, const char *key,
                           const nnlab_column_stats *stats, size_t n,
                           char *const *names) {
  json_builder_set_member_name(b, key);
  json_builder_begin_array(b);
  for (size_t j = 0; j < n; j++) {
    json_builder_begin_object(b);
    add_count(b, "index", j);
    json_add_string_member(b, "name", names ? names[j] : NULL);
    const char *fields[] = {"mean", "std", "min", "max"};
    double values[] = {stats[j].mean, stats[j].std, stats[j].min, stats[j].max};
    for (size_t f = 0; f < G_N_ELEMENTS(fields); f++) {
      json_builder_set_member_name(b, fields[f]);
      json_builder_add_double_value(b, values[f]);
    }
    json_builder_end_object(b);
  }
  json_builder_end_array(b);
}

static void print_info_json(const char *path, const dataset_summary *s) {
  const nnlab_dataset *d = s->dataset;
  g_autoptr(JsonBuilder) b = json_builder_new();
  json_builder_begin_object(b);
  json_add_string_member(b, "file", path);
  json_add_string_member(b, "task", nnlab_task_name(d->task));
  add_count(b, "rows", d->n_rows);
  add_count(b, "features", d->n_features);
  add_count(b, "targets", d->n_targets);
  json_add_string_member(b, "source", d->source);
  json_add_string_member(b, "digest", s->digest);
  if (d->task == NNLAB_TASK_CLASSIFICATION) {
    add_count(b, "n_classes", d->n_classes);
    json_builder_set_member_name(b, "classes");
    json_builder_begin_array(b);
    for (size_t c = 0; c < d->n_classes; c++) {
      json_builder_begin_object(b);
      add_count(b, "index", c);
      json_add_string_member(b, "name",
                             d->class_names ? d->class_names[c] : NULL);
      add_count(b, "count", s->class_counts[c]);
      json_builder_end_object(b);
    }
    json_builder_end_array(b);
  } else {
    add_stats_json(b, "target_stats", s->targets, d->n_targets,
                   d->target_names);
  }
  add_stats_json(b, "feature_stats", s->features, d->n_features,
                 d->feature_names);
  json_builder_end_object(b);
  print_json(b);
}

static void print_stats_table(const char *title,
                              const nnlab_column_stats *stats, size_t n,
                              char *const *names) {
  printf("\n%-5s %-24s %12s %12s %12s %12s\n", "", title, "MEAN", "STD", "MIN",
         "MAX");
  for (size_t j = 0; j < n; j++)
    printf("%-5zu %-24s %12.6g %12.6g %12.6g %12.6g\n", j,
           names ? names[j] : "-", stats[j].mean, stats[j].std, stats[j].min,
           stats[j].max);
}

static void print_info_text(const char *path, const dataset_summary *s) {
  const nnlab_dataset *d = s->dataset;
  printf("%s: %s, %zu rows x %zu features\n", path, nnlab_task_name(d->task),
         d->n_rows, d->n_features);
  if (d->source) printf("source: %s\n", d->source);
  printf("digest: sha256:%s\n", s->digest);
  if (d->task == NNLAB_TASK_CLASSIFICATION) {
    printf("\n%-5s %-24s %12s %12s\n", "", "CLASS", "ROWS", "SHARE");
    for (size_t c = 0; c < d->n_classes; c++)
      printf("%-5zu %-24s %12zu %11.1f%%\n", c,
             d->class_names ? d->class_names[c] : "-", s->class_counts[c],
             100.0 * (double)s->class_counts[c] / (double)d->n_rows);
  } else {
    print_stats_table("TARGET", s->targets, d->n_targets, d->target_names);
  }
  print_stats_table("FEATURE", s->features, d->n_features, d->feature_names);
}

int cmd_data_info(int argc, char **argv) {
  gboolean as_json = FALSE;
  GOptionEntry entries[] = {
      {"json", 0, 0, G_OPTION_ARG_NONE, &as_json, "Print JSON", NULL},
      G_OPTION_ENTRY_NULL};
  g_autoptr(GOptionContext) context =
      g_option_context_new("FILE.h5 - describe a dataset file");
  g_option_context_add_main_entries(context, entries, NULL);
  g_option_context_set_description(
      context,
      "Prints the task and shape, the source, a SHA-256 digest of the\n"
      "contents (equal digests mean equal data and names), the rows per\n"
      "class or the target statistics, and each feature's mean, standard\n"
      "deviation (population), minimum and maximum.\n");
  if (!data_parse_options(context, &argc, &argv)) return 2;
  if (argc != 2) {
    fprintf(stderr,
            "nnlab: error: expected one dataset file, got %d (try --help)\n",
            argc - 1);
    return 2;
  }
  g_autoptr(GError) error = NULL;
  nnlab_dataset *dataset = nnlab_dataset_load(argv[1], &error);
  if (!dataset) return report_error(error);
  dataset_summary summary = {0};
  int status = 0;
  if (!summarize(dataset, &summary, &error))
    status = report_error(error);
  else if (as_json)
    print_info_json(argv[1], &summary);
  else
    print_info_text(argv[1], &summary);
  summary_clear(&summary);
  nnlab_dataset_free(dataset);
  return status;
}
