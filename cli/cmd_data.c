/* nnlab data: import CSV and IDX files as nnlab datasets, and describe
 * them. Dispatch only: the subcommands are in cmd_data_import.c and
 * cmd_data_info.c, and nothing they use is defined here. */
#include <stdio.h>
#include <string.h>

#include <nnlab/nnlab.h>

#include "cmd_data.h"
#include "commands.h"

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
