/* nnlab: the command-line front end of the engine. main() dispatches to
 * the cmd_*.c commands and owns what a library must not touch: signal
 * dispositions, the crash handler and stdout. The commands' shared helpers
 * have their own files, so that no command calls back into this one. The
 * CLI uses only the public <nnlab/...> API, never core/'s internal headers. */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <nnlab/nnlab.h>

#include "commands.h"
#include "stdout_stream.h"

typedef struct command {
  const char *name;
  int (*run)(int argc, char **argv);
  const char *summary;
} command;

static const command commands[] = {
    {"data", cmd_data, "import CSV or IDX files as datasets, describe one"},
    {"train", cmd_train, "train a network from an INI config"},
    {"eval", cmd_eval, "loss and metrics of a model on a dataset split"},
    {"predict", cmd_predict, "outputs of a model for new inputs"},
    {"compare", cmd_compare,
     "compare optimizers, learning rates and batch sizes over seeds"},
    {"inspect", cmd_inspect,
     "architecture, training state, weight statistics and health hints"},
    {"plugins", cmd_plugins,
     "list plugins, show one, or explain why one is broken"},
};

static void print_usage(FILE *out) {
  fprintf(out,
          "Usage: nnlab COMMAND [OPTIONS...]\n\n"
          "nnlab %s: a deep-learning research framework.\n\nCommands:\n",
          nnlab_version());
  for (size_t i = 0; i < G_N_ELEMENTS(commands); i++)
    fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
  fprintf(out,
          "\nRun 'nnlab COMMAND --help' for a command's options.\n"
          "Plugins are searched in $NNLAB_PLUGIN_PATH (colon-separated), then "
          "in\n$XDG_DATA_HOME/nnlab/plugins (~/.local/share/nnlab/plugins), "
          "then in the\nbuilt-in directories.\n");
}

static int run_command(int argc, char **argv) {
  if (argc < 2) {
    print_usage(stderr);
    return 2;
  }
  if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
      strcmp(argv[1], "help") == 0) {
    print_usage(stdout);
    return 0;
  }
  if (strcmp(argv[1], "--version") == 0) {
    printf("nnlab %s\n", nnlab_version());
    return 0;
  }
  nnlab_show_hdf5_errors(FALSE); /* commands with --verbose turn it on */
  for (size_t i = 0; i < G_N_ELEMENTS(commands); i++)
    if (strcmp(argv[1], commands[i].name) == 0)
      return commands[i].run(argc - 1, argv + 1);
  g_autofree char *quoted = nnlab_excerpt(argv[1]);
  fprintf(stderr, "nnlab: error: unknown command '%s' (try nnlab --help)\n",
          quoted);
  return 2;
}

int main(int argc, char **argv) {
  /* Under a file size limit (ulimit -f) a write past it then fails with
   * EFBIG, which every save reports as an error and cleans up after,
   * instead of the signal killing nnlab mid-write. The library leaves
   * signals alone (nnlab/files.h). */
  signal(SIGXFSZ, SIG_IGN);
  nnlab_install_crash_handler(); /* a crashing plugin is named */
  stdout_stream_install();
  return stdout_stream_close(run_command(argc, argv));
}
