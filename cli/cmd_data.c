/* nnlab data: import CSV and IDX files as nnlab datasets, and describe
 * them. Dispatch and the save-and-report step the importers share; the
 * reading and writing of files is core's. */
#include <stdio.h>
#include <string.h>

#include <glib/gstdio.h>
#include <nnlab/nnlab.h>

#include "cmd_data.h"
#include "commands.h"
#include "error_output.h"
#include "json_output.h"
#include "option_parsing.h"

typedef struct data_command {
  const char *name;
  int (*run)(int argc, char **argv);
  const char *summary;
} data_command;

static const data_command data_commands[] = {
    {"import", cmd_data_import, "convert a CSV file (.csv or .csv.gz)"},
    {"import-idx", cmd_data_import_idx,
     "convert MNIST-style IDX images and labels"},
    {"info", cmd_data_info, "shape, classes and per-feature statistics"},
};

gboolean data_parse_options(GOptionContext *context, int *argc, char ***argv) {
  /* GOption names the program after argv[0] in --help. */
  char *subcommand = (*argv)[0];
  g_autofree char *name = g_strdup_printf("nnlab data %s", subcommand);
  (*argv)[0] = name;
  gboolean ok = parse_options(context, argc, argv);
  (*argv)[0] = subcommand;
  return ok;
}

char **data_split_names(const char *option, const char *text) {
  if (!text) return NULL;
  char **names = g_strsplit(text, ",", -1);
  for (size_t i = 0; names[i]; i++) {
    g_strstrip(names[i]);
    if (names[i][0] != '\0') continue;
    g_autofree char *quoted = nnlab_excerpt(text);
    fprintf(stderr, "nnlab: error: %s: name %zu of '%s' is empty\n", option,
            i + 1, quoted);
    g_strfreev(names);
    return NULL;
  }
  return names;
}

static void report_json(const nnlab_dataset *dataset, const char *path) {
  g_autofree char *digest = nnlab_dataset_digest(dataset);
  g_autoptr(JsonBuilder) b = json_builder_new();
  json_builder_begin_object(b);
  json_builder_set_member_name(b, "file");
  json_builder_add_string_value(b, path);
  json_builder_set_member_name(b, "task");
  json_builder_add_string_value(b, nnlab_task_name(dataset->task));
  json_builder_set_member_name(b, "rows");
  json_builder_add_int_value(b, (gint64)dataset->n_rows);
  json_builder_set_member_name(b, "features");
  json_builder_add_int_value(b, (gint64)dataset->n_features);
  json_builder_set_member_name(b, "targets");
  json_builder_add_int_value(b, (gint64)dataset->n_targets);
  json_builder_set_member_name(b, "classes");
  json_builder_add_int_value(b, (gint64)dataset->n_classes);
  json_builder_set_member_name(b, "digest");
  json_builder_add_string_value(b, digest);
  json_builder_end_object(b);
  print_json(b);
}

int data_save_and_report(const nnlab_dataset *dataset, const char *path,
                         gboolean as_json) {
  g_autoptr(GError) error = NULL;
  if (!nnlab_dataset_save(dataset, path, &error)) return report_error(error);
  if (as_json) {
    report_json(dataset, path);
  } else if (dataset->task == NNLAB_TASK_CLASSIFICATION) {
    printf("wrote %s: %zu rows x %zu features, classification, %zu classes\n",
           path, dataset->n_rows, dataset->n_features, dataset->n_classes);
  } else {
    printf("wrote %s: %zu rows x %zu features, regression, %zu target%s\n",
           path, dataset->n_rows, dataset->n_features, dataset->n_targets,
           dataset->n_targets == 1 ? "" : "s");
  }
  return 0;
}

static void print_data_usage(FILE *out) {
  fprintf(out, "Usage: nnlab data SUBCOMMAND [OPTIONS...]\n\nSubcommands:\n");
  for (size_t i = 0; i < G_N_ELEMENTS(data_commands); i++)
    fprintf(out, "  %-11s %s\n", data_commands[i].name,
            data_commands[i].summary);
  fprintf(out,
          "\nRun 'nnlab data SUBCOMMAND --help' for its options. Dataset "
          "files are HDF5;\ntheir layout is in docs/formats.md.\n");
}

int cmd_data(int argc, char **argv) {
  if (argc < 2) {
    print_data_usage(stderr);
    return 2;
  }
  if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
    print_data_usage(stdout);
    return 0;
  }
  for (size_t i = 0; i < G_N_ELEMENTS(data_commands); i++)
    if (strcmp(argv[1], data_commands[i].name) == 0)
      return data_commands[i].run(argc - 1, argv + 1);
  g_autofree char *quoted = nnlab_excerpt(argv[1]);
  fprintf(stderr,
          "nnlab: error: unknown data subcommand '%s' (try nnlab data "
          "--help)\n",
          quoted);
  return 2;
}
