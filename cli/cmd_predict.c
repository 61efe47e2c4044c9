/* nnlab predict: run a saved model on new inputs (a dataset or a CSV file)
 * and write its predictions as CSV. Every row is predicted (no split), and
 * an output file is checked before anything is computed. */
#include <stdio.h>
#include <string.h>

#include <nnlab/nnlab.h>

#include "commands.h"
#include "error_output.h"
#include "model_loading.h"
#include "option_parsing.h"
#include "registry_loading.h"

/* Inputs as a rows x d matrix, from an nnlab dataset or a CSV file. */
static float *read_inputs(const char *path, size_t d, size_t *rows,
                          GError **error) {
  if (!g_str_has_suffix(path, ".h5"))
    return nnlab_csv_read_matrix(path, ',', d, rows, error);
  nnlab_dataset *data = nnlab_dataset_load(path, error);
  if (!data) return NULL;
  float *x = NULL;
  if (data->n_features != d)
    g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_INVALID,
                "%s: /X has %zu features but the model takes %zu", path,
                data->n_features, d);
  else
    x = g_memdup2(data->features, data->n_rows * d * sizeof(float));
  *rows = data->n_rows;
  nnlab_dataset_free(data);
  return x;
}

static char *format_predictions(const nnlab_model_file *f, const float *out,
                                size_t rows, size_t k) {
  GString *text = g_string_new(NULL);
  gboolean classes = f->task == NNLAB_TASK_CLASSIFICATION;
  double threshold = nnlab_loss_class_threshold(&f->loss);
  if (classes) g_string_append(text, "class,class_name,");
  for (size_t j = 0; j < k; j++)
    g_string_append_printf(text, "%soutput_%zu", j ? "," : "", j + 1);
  g_string_append_c(text, '\n');
  for (size_t r = 0; r < rows; r++) {
    const float *row = out + r * k;
    if (classes) {
      int32_t c = nnlab_predicted_class(row, k, threshold);
      gboolean named = f->class_names && (size_t)c < f->n_classes;
      g_string_append_printf(text, "%d,%s,", c, named ? f->class_names[c] : "");
    }
    for (size_t j = 0; j < k; j++)
      g_string_append_printf(text, "%s%.9g", j ? "," : "", (double)row[j]);
    g_string_append_c(text, '\n');
  }
  return g_string_free(text, FALSE);
}

int cmd_predict(int argc, char **argv) {
  g_autofree char *out_path = NULL;
  gboolean strict_versions = FALSE, verbose = FALSE;
  GOptionEntry entries[] = {
      {"output", 'o', 0, G_OPTION_ARG_FILENAME, &out_path,
       "Write the CSV here instead of stdout ('-' is stdout)", "OUT.csv"},
      {"strict-versions", 0, 0, G_OPTION_ARG_NONE, &strict_versions,
       "Refuse a model whose plugins are installed in another version", NULL},
      {"verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose,
       "Show HDF5's own error messages too", NULL},
      G_OPTION_ENTRY_NULL};
  g_autoptr(GOptionContext) context = g_option_context_new(
      "MODEL.h5 INPUT.csv|INPUT.h5 - predictions for new inputs");
  g_option_context_add_main_entries(context, entries, NULL);
  g_option_context_set_description(
      context,
      "INPUT.csv holds one row of raw features per line (a header line is\n"
      "skipped), each a number float32 can hold, as data import requires;\n"
      "INPUT.h5 is an nnlab dataset. The model's standardization is\n"
      "applied. Output: CSV with the predicted class (classification)\n"
      "and the network's outputs. Every row is predicted: unlike eval's\n"
      "--split, no row numbers recorded in the model are used, so any data\n"
      "with the model's features is valid input.\n");
  if (!parse_options(context, &argc, &argv)) return 2;
  if (argc != 3) {
    fprintf(stderr,
            "nnlab: error: expected MODEL.h5 INPUT.csv|INPUT.h5 (try "
            "--help)\n");
    return 2;
  }
  nnlab_show_hdf5_errors(verbose);
  g_autoptr(GError) error = NULL;
  if (out_path && strcmp(out_path, "-") == 0)
    g_clear_pointer(&out_path, g_free);
  /* A device or a FIFO is refused before any work, not after it. */
  if (out_path && !nnlab_check_output_file(out_path, &error))
    return report_error(error);
  nnlab_registry *registry = open_registry(FALSE);
  nnlab_model_file *f =
      load_model_file(argv[1], registry, strict_versions, &error);
  int status = 0;
  size_t rows = 0;
  g_autofree float *x = NULL, *out = NULL;
  g_autofree char *text = NULL;
  if (!f) {
    status = report_error(error);
    goto done;
  }
  size_t d = nnlab_model_n_inputs(f->model);
  size_t k = nnlab_model_n_outputs(f->model);
  if (!(x = read_inputs(argv[2], d, &rows, &error))) {
    status = report_error(error);
    goto done;
  }
  out = g_new(float, rows *k);
  if (!nnlab_model_predict(f->model, x, rows, out, &error)) {
    status = report_error(error);
    goto done;
  }
  text = format_predictions(f, out, rows, k);
  if (!out_path) {
    fputs(text, stdout);
  } else if (!nnlab_replace_file_contents(out_path, text, strlen(text),
                                          &error)) {
    status = report_error(error);
  }
done:
  nnlab_model_file_free(f);
  nnlab_registry_free(registry);
  return status;
}
