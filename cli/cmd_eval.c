/* nnlab eval: loss and metrics of a saved model on a dataset split. It
 * writes nothing, and refuses data whose digest differs from the one the
 * model recorded (the split's row indices would pick other examples)
 * unless told to allow it. */
#include <stdio.h>
#include <string.h>

#include <nnlab/nnlab.h>

#include "commands.h"
#include "error_output.h"
#include "json_output.h"
#include "metrics_output.h"
#include "model_loading.h"
#include "option_parsing.h"
#include "progress.h"
#include "registry_loading.h"

/* The split's row indices point into the data the model was trained on:
 * in data whose rows were shuffled or edited they pick other examples, so
 * a different digest is an error, or with allow_changed a warning. */
static gboolean check_same_data(const nnlab_model_file *f,
                                const nnlab_dataset *data,
                                const char *data_path, const char *split_name,
                                gboolean allow_changed, GError **error) {
  if (!f->data_digest) return TRUE;
  g_autofree char *digest = nnlab_dataset_digest(data);
  if (strcmp(digest, f->data_digest) == 0) return TRUE;
  g_autofree char *what = g_strdup_printf(
      "%s is not the data the model was trained on (digest %.12s; the model "
      "recorded %.12s): its --split %s rows pick other examples",
      data_path, digest, f->data_digest, split_name);
  if (allow_changed) {
    fprintf(stderr, "nnlab: warning: %s (--allow-changed-data)\n", what);
    return TRUE;
  }
  g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_INVALID,
              "%s; score all rows with --split all, or these rows anyway "
              "with --allow-changed-data",
              what);
  return FALSE;
}

/* The rows of data that make up split_name, as the model recorded them. */
static nnlab_dataset *select_split(const nnlab_model_file *f,
                                   const nnlab_dataset *data,
                                   const char *data_path,
                                   const char *split_name,
                                   gboolean allow_changed, GError **error) {
  if (strcmp(split_name, "all") == 0) {
    g_autofree size_t *all = g_new(size_t, data->n_rows);
    for (size_t i = 0; i < data->n_rows; i++) all[i] = i;
    return nnlab_dataset_select(data, all, data->n_rows, error);
  }
  if (!f->data_path) {
    g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_INVALID,
                "the model records no split; use --split all");
    return NULL;
  }
  if (data->n_rows != f->data_rows) {
    g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_INVALID,
                "%s has %zu rows but the model was trained on %llu rows of "
                "%s: its --split %s rows do not apply (use --split all)",
                data_path, data->n_rows, (unsigned long long)f->data_rows,
                f->data_path, split_name);
    return NULL;
  }
  if (!check_same_data(f, data, data_path, split_name, allow_changed, error))
    return NULL;
  const nnlab_split *s = &f->split;
  const size_t *rows = strcmp(split_name, "train") == 0 ? s->train
                       : strcmp(split_name, "val") == 0 ? s->val
                                                        : s->test;
  size_t n = strcmp(split_name, "train") == 0 ? s->n_train
             : strcmp(split_name, "val") == 0 ? s->n_val
                                              : s->n_test;
  if (n == 0) {
    g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_INVALID,
                "the model's %s split is empty (the config held no %s rows "
                "out)",
                split_name, split_name);
    return NULL;
  }
  return nnlab_dataset_select(data, rows, n, error);
}

int cmd_eval(int argc, char **argv) {
  g_autofree char *split = NULL;
  gboolean json = FALSE, strict_versions = FALSE, verbose = FALSE;
  gboolean allow_changed = FALSE;
  GOptionEntry entries[] = {
      {"split", 0, 0, G_OPTION_ARG_STRING, &split,
       "Rows to score: train, val, test or all (default: test when the "
       "model holds test rows out, else all)",
       "SPLIT"},
      {"allow-changed-data", 0, 0, G_OPTION_ARG_NONE, &allow_changed,
       "Score the recorded split rows even if the data's digest differs from "
       "the one the model recorded (a warning, not an error)",
       NULL},
      {"json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON", NULL},
      {"strict-versions", 0, 0, G_OPTION_ARG_NONE, &strict_versions,
       "Refuse a model whose plugins are installed in another version", NULL},
      {"verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose,
       "Show HDF5's own error messages too", NULL},
      G_OPTION_ENTRY_NULL};
  g_autoptr(GOptionContext) context =
      g_option_context_new("MODEL.h5 [DATA.h5] - loss and metrics of a model");
  g_option_context_add_main_entries(context, entries, NULL);
  g_option_context_set_description(
      context,
      "DATA.h5 defaults to the dataset the model was trained on. The split\n"
      "rows are the ones recorded in the model file, so --split test scores\n"
      "exactly the rows training held out. They are row numbers, so they\n"
      "hold only for the same data: train, val and test are refused when the\n"
      "data's digest (nnlab data info) differs from the one the model\n"
      "recorded, e.g. after its rows were shuffled, unless\n"
      "--allow-changed-data is given.\n");
  if (!parse_options(context, &argc, &argv)) return 2;
  if (argc < 2 || argc > 3) {
    fprintf(stderr, "nnlab: error: expected MODEL.h5 [DATA.h5] (try --help)\n");
    return 2;
  }
  g_autofree char *quoted = split ? nnlab_excerpt(split) : NULL;
  if (split &&
      !g_strv_contains(
          (const char *const[]){"train", "val", "test", "all", NULL}, split)) {
    fprintf(stderr,
            "nnlab: error: --split: expected train, val, test or "
            "all, got '%s'\n",
            quoted);
    return 2;
  }
  nnlab_show_hdf5_errors(verbose);
  g_autoptr(GError) error = NULL;
  nnlab_registry *registry = open_registry(FALSE);
  nnlab_model_file *f =
      load_model_file(argv[1], registry, strict_versions, &error);
  nnlab_dataset *data = NULL, *part = NULL;
  int status = 0;
  if (!f) {
    status = report_error(error);
    goto done;
  }
  const char *data_path = argc == 3 ? argv[2] : f->data_path;
  if (!data_path) {
    fprintf(stderr, "nnlab: error: %s records no dataset; give DATA.h5\n",
            argv[1]);
    status = 2;
    goto done;
  }
  const char *split_name = split ? split : (f->split.n_test ? "test" : "all");
  if (!(data = nnlab_dataset_load(data_path, &error)) && argc == 2)
    g_prefix_error(&error, "%s: the dataset it was trained on: ", argv[1]);
  if (!data || !(part = select_split(f, data, data_path, split_name,
                                     allow_changed, &error))) {
    status = report_error(error);
    goto done;
  }
  nnlab_metrics metrics;
  if (!nnlab_evaluate(f->model, &f->loss, part, &metrics, &error)) {
    g_prefix_error(&error, "%s: ", data_path);
    status = report_error(error);
    goto done;
  }
  if (json) {
    g_autoptr(JsonBuilder) b = json_builder_new();
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "model");
    json_builder_add_string_value(b, argv[1]);
    json_builder_set_member_name(b, "data");
    json_builder_add_string_value(b, data_path);
    json_builder_set_member_name(b, "split");
    json_builder_add_string_value(b, split_name);
    json_builder_set_member_name(b, "rows");
    json_builder_add_int_value(b, (gint64)part->n_rows);
    add_metrics_json(b, "metrics", &metrics, part->task);
    json_builder_end_object(b);
    print_json(b);
  } else {
    g_autofree char *text = format_metrics(&metrics, part->task, "");
    printf("%s (%zu rows of %s): %s\n", split_name, part->n_rows, data_path,
           text);
  }
done:
  nnlab_dataset_free(part);
  nnlab_dataset_free(data);
  nnlab_model_file_free(f);
  nnlab_registry_free(registry);
  return status;
}
