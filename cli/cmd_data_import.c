/* nnlab data import and nnlab data import-idx: options to an nnlab_csv_
 * options, then the library's importers and a save. The output is checked
 * before any input is read, and may never be one of the inputs. Parsing CSV
 * or IDX is core's job, not this file's. */
#include <stdio.h>
#include <string.h>

#include <glib/gstdio.h>
#include <nnlab/nnlab.h>

#include "cmd_data.h"
#include "data_options.h"
#include "dataset_saving.h"
#include "error_output.h"

/* TRUE if output names the same file as input (it would be replaced). */
static gboolean same_file(const char *input, const char *output) {
  GStatBuf a, b;
  return g_stat(input, &a) == 0 && g_stat(output, &b) == 0 &&
         a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* Before any reading: the output must be a new file or a regular file
 * other than the inputs (never a device, FIFO, socket or directory). */
static gboolean check_output(const char *output, const char *const *inputs) {
  if (!output) {
    fprintf(stderr, "nnlab: error: no output file; give -o FILE.h5\n");
    return FALSE;
  }
  /* HDF5 needs a file it can seek in, so stdout cannot take it. */
  if (strcmp(output, "-") == 0) {
    fprintf(stderr,
            "nnlab: error: -o -: a dataset is an HDF5 file and cannot be "
            "written to stdout; give -o FILE.h5\n");
    return FALSE;
  }
  g_autoptr(GError) error = NULL;
  if (!nnlab_check_output_file(output, &error)) {
    report_error(error);
    return FALSE;
  }
  for (size_t i = 0; inputs[i]; i++) {
    if (!same_file(inputs[i], output)) continue;
    fprintf(stderr,
            "nnlab: error: %s: the output would replace the input file\n",
            output);
    return FALSE;
  }
  return TRUE;
}

static gboolean parse_delimiter(const char *text, char *delimiter) {
  if (!text) return TRUE;
  if (strcmp(text, "tab") == 0 || strcmp(text, "\\t") == 0) {
    *delimiter = '\t';
    return TRUE;
  }
  if (strlen(text) == 1 && text[0] != '"') {
    *delimiter = text[0];
    return TRUE;
  }
  g_autofree char *quoted = nnlab_excerpt(text);
  fprintf(stderr,
          "nnlab: error: --delimiter: '%s' is not a single character (or "
          "'tab')\n",
          quoted);
  return FALSE;
}

static gboolean parse_header(const char *text, nnlab_csv_header *header) {
  if (!text || strcmp(text, "auto") == 0)
    *header = NNLAB_CSV_HEADER_AUTO;
  else if (strcmp(text, "yes") == 0)
    *header = NNLAB_CSV_HEADER_YES;
  else if (strcmp(text, "no") == 0)
    *header = NNLAB_CSV_HEADER_NO;
  else {
    g_autofree char *quoted = nnlab_excerpt(text);
    fprintf(stderr,
            "nnlab: error: --header: '%s' is not one of auto, yes, no\n",
            quoted);
    return FALSE;
  }
  return TRUE;
}

static gboolean parse_task(const char *text, nnlab_task *task) {
  if (!text) return TRUE;
  if (nnlab_task_from_name(text, task)) return TRUE;
  g_autofree char *quoted = nnlab_excerpt(text);
  fprintf(stderr,
          "nnlab: error: --task: '%s' is not regression or classification\n",
          quoted);
  return FALSE;
}

typedef struct import_args {
  char *output, *header, *delimiter, *task, *class_names, *feature_names;
  char *source;
  char **targets;
  gint64 skip_lines;
  gboolean as_json;
} import_args;

static void import_args_clear(import_args *args) {
  g_free(args->output);
  g_free(args->header);
  g_free(args->delimiter);
  g_free(args->task);
  g_free(args->class_names);
  g_free(args->feature_names);
  g_free(args->source);
  g_strfreev(args->targets);
}

static int run_import(const char *input, const import_args *args) {
  nnlab_csv_options options;
  nnlab_csv_options_init(&options);
  if (!parse_delimiter(args->delimiter, &options.delimiter) ||
      !parse_header(args->header, &options.header) ||
      !parse_task(args->task, &options.task))
    return 2;
  if (args->skip_lines < 0) {
    fprintf(stderr,
            "nnlab: error: --skip-lines: %" G_GINT64_FORMAT " is negative\n",
            args->skip_lines);
    return 2;
  }
  g_auto(GStrv) class_names = NULL, feature_names = NULL;
  if ((args->class_names &&
       !(class_names = data_split_names("--class-names", args->class_names))) ||
      (args->feature_names && !(feature_names = data_split_names(
                                    "--feature-names", args->feature_names))))
    return 2;
  g_autofree char *default_source = g_path_get_basename(input);
  options.skip_lines = (size_t)args->skip_lines;
  options.target_columns = (const char *const *)args->targets;
  options.class_names = (const char *const *)class_names;
  options.feature_names = (const char *const *)feature_names;
  options.source = args->source ? args->source : default_source;
  g_autoptr(GError) error = NULL;
  nnlab_dataset *dataset = nnlab_dataset_import_csv(input, &options, &error);
  if (!dataset) return report_error(error);
  int status = data_save_and_report(dataset, args->output, args->as_json);
  nnlab_dataset_free(dataset);
  return status;
}

int cmd_data_import(int argc, char **argv) {
  import_args args = {0};
  GOptionEntry entries[] = {
      {"output", 'o', 0, G_OPTION_ARG_FILENAME, &args.output,
       "The dataset file to write (required)", "FILE.h5"},
      {"target", 't', 0, G_OPTION_ARG_STRING_ARRAY, &args.targets,
       "Target column: a header name or a 0-based index, negative from the "
       "end (repeat for several; default: the last column)",
       "COLUMN"},
      {"header", 0, 0, G_OPTION_ARG_STRING, &args.header,
       "Whether the first line names the columns: auto (if it has a cell "
       "that is not a number), yes, no",
       "auto|yes|no"},
      {"skip-lines", 0, 0, G_OPTION_ARG_INT64, &args.skip_lines,
       "Lines to skip before the header or data", "N"},
      {"delimiter", 'd', 0, G_OPTION_ARG_STRING, &args.delimiter,
       "Cell delimiter (default ','; 'tab' for tabs)", "C"},
      {"task", 0, 0, G_OPTION_ARG_STRING, &args.task,
       "regression or classification (default: classification if "
       "--class-names is given)",
       "TASK"},
      {"class-names", 0, 0, G_OPTION_ARG_STRING, &args.class_names,
       "Class names, comma-separated; label i is the i-th name", "A,B,..."},
      {"feature-names", 0, 0, G_OPTION_ARG_STRING, &args.feature_names,
       "Feature names, comma-separated (replace the header's)", "A,B,..."},
      {"source", 0, 0, G_OPTION_ARG_STRING, &args.source,
       "Where the data came from, stored in the file (default: the CSV's "
       "file name)",
       "TEXT"},
      {"json", 0, 0, G_OPTION_ARG_NONE, &args.as_json,
       "Print a JSON summary of what was written", NULL},
      G_OPTION_ENTRY_NULL};
  g_autoptr(GOptionContext) context =
      g_option_context_new("FILE.csv[.gz] -o FILE.h5 - import a CSV file");
  g_option_context_add_main_entries(context, entries, NULL);
  g_option_context_set_description(
      context,
      "Every cell must be a number; blank lines are skipped. Classification\n"
      "labels are integers from 0; the classes number max label + 1 unless\n"
      "--class-names is given. Errors name the line and column. Nothing is\n"
      "written unless the whole file imports cleanly.\n\n"
      "Example:\n  nnlab data import boston_house_prices.csv -o boston.h5 "
      "--skip-lines 1 \\\n    --target MEDV\n");
  int status = 2;
  if (data_parse_options(context, &argc, &argv)) {
    if (argc != 2)
      fprintf(stderr,
              "nnlab: error: expected one CSV file, got %d (try --help)\n",
              argc - 1);
    else if (check_output(args.output, (const char *const[]){argv[1], NULL}))
      status = run_import(argv[1], &args);
  }
  import_args_clear(&args);
  return status;
}

int cmd_data_import_idx(int argc, char **argv) {
  g_autofree char *output = NULL, *class_names = NULL, *source = NULL;
  gint64 n_classes = 0;
  gboolean no_scale = FALSE, as_json = FALSE;
  GOptionEntry entries[] = {
      {"output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
       "The dataset file to write (required)", "FILE.h5"},
      {"class-names", 0, 0, G_OPTION_ARG_STRING, &class_names,
       "Class names, comma-separated; label i is the i-th name", "A,B,..."},
      {"classes", 0, 0, G_OPTION_ARG_INT64, &n_classes,
       "Number of classes (default: 10, or the largest label + 1)", "N"},
      {"no-scale", 0, 0, G_OPTION_ARG_NONE, &no_scale,
       "Keep pixel values 0..255 (default: divide by 255)", NULL},
      {"source", 0, 0, G_OPTION_ARG_STRING, &source,
       "Where the data came from, stored in the file (default: the images "
       "file's name)",
       "TEXT"},
      {"json", 0, 0, G_OPTION_ARG_NONE, &as_json,
       "Print a JSON summary of what was written", NULL},
      G_OPTION_ENTRY_NULL};
  g_autoptr(GOptionContext) context = g_option_context_new(
      "IMAGES LABELS -o FILE.h5 - import MNIST-style IDX files");
  g_option_context_add_main_entries(context, entries, NULL);
  g_option_context_set_description(
      context,
      "IMAGES holds unsigned-byte images (IDX magic 0x00000803), LABELS one\n"
      "byte per image (0x00000801); either may be gzip-compressed. Each\n"
      "image becomes a row of rows x columns features.\n\n"
      "Example (Debian package dataset-fashion-mnist):\n"
      "  d=/usr/share/datasets/fashion-mnist\n"
      "  nnlab data import-idx $d/train-images-idx3-ubyte.gz \\\n"
      "    $d/train-labels-idx1-ubyte.gz -o fashion_mnist_train.h5\n");
  if (!data_parse_options(context, &argc, &argv)) return 2;
  if (argc != 3) {
    fprintf(stderr,
            "nnlab: error: expected IMAGES and LABELS files, got %d (try "
            "--help)\n",
            argc - 1);
    return 2;
  }
  if (n_classes < 0) {
    fprintf(stderr,
            "nnlab: error: --classes: %" G_GINT64_FORMAT " is negative\n",
            n_classes);
    return 2;
  }
  g_auto(GStrv) names = data_split_names("--class-names", class_names);
  if ((class_names && !names) ||
      !check_output(output, (const char *const[]){argv[1], argv[2], NULL}))
    return 2;
  g_autofree char *default_source = g_path_get_basename(argv[1]);
  nnlab_idx_options options = {
      .keep_pixel_values = no_scale,
      .n_classes = (size_t)n_classes,
      .class_names = (const char *const *)names,
      .source = source ? source : default_source,
  };
  g_autoptr(GError) error = NULL;
  nnlab_dataset *dataset =
      nnlab_dataset_import_idx(argv[1], argv[2], &options, &error);
  if (!dataset) return report_error(error);
  int status = data_save_and_report(dataset, output, as_json);
  nnlab_dataset_free(dataset);
  return status;
}
