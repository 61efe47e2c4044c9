/* nnlab inspect: what a model file or checkpoint holds, its weight
 * statistics and gradient-free health hints. Read-only: it never writes
 * the file, and never trains or updates the weights it inspects. */
#include <stdio.h>

#include <nnlab/nnlab.h>

#include "commands.h"
#include "error_output.h"
#include "inspect_json.h"
#include "inspect_report.h"
#include "inspect_text.h"
#include "inspect_verify.h"
#include "model_loading.h"
#include "option_parsing.h"
#include "registry_loading.h"

int cmd_inspect(int argc, char **argv) {
  g_autofree char *data_path = NULL;
  gboolean json = FALSE, strict_versions = FALSE, verbose = FALSE;
  gboolean verify = FALSE;
  GOptionEntry entries[] = {
      {"verify", 0, 0, G_OPTION_ARG_NONE, &verify,
       "Check every array of a model file, checkpoint or dataset against its "
       "checksum, and nothing else",
       NULL},
      {"data", 'd', 0, G_OPTION_ARG_FILENAME, &data_path,
       "Run this dataset through the network to find dead and saturated "
       "hidden units",
       "DATA.h5"},
      {"json", 0, 0, G_OPTION_ARG_NONE, &json, "Print JSON", NULL},
      {"strict-versions", 0, 0, G_OPTION_ARG_NONE, &strict_versions,
       "Refuse a file whose plugins are installed in another version", NULL},
      {"verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose,
       "Show HDF5's own error messages too", NULL},
      G_OPTION_ENTRY_NULL};
  g_autoptr(GOptionContext) context = g_option_context_new(
      "CHECKPOINT|MODEL.h5 - what a model file or checkpoint holds "
      "(--verify: or DATA.h5)");
  g_option_context_add_main_entries(context, entries, NULL);
  g_option_context_set_description(
      context,
      "Prints the architecture (layers, units, activations with their plugin\n"
      "versions, the loss), parameter counts, the optimizer with its\n"
      "hyperparameters and step count, the epochs trained, the last and best\n"
      "epoch's metrics (best: lowest validation loss, else training loss),\n"
      "and per-layer statistics of the weights and biases: mean, standard\n"
      "deviation, minimum, maximum, L2 norm and the share of exact zeros.\n\n"
      "With --data, the dataset's rows go through the network (with the\n"
      "model's standardization) and each hidden layer reports its dead units\n"
      "(relu, leaky_relu: output <= 0 for every row) or its share of\n"
      "saturated outputs (sigmoid, tanh). Hints point at likely problems.\n\n"
      "With --verify, FILE may also be a dataset: every array is read and\n"
      "compared with the CRC-32 checksum stored beside it, without loading\n"
      "plugins. Each damaged array is listed; the exit status is 1 if any\n"
      "is. A file written before nnlab stored checksums is read through\n"
      "with a warning that it cannot be checked.\n");
  if (!parse_options(context, &argc, &argv)) return 2;
  if (argc != 2) {
    fprintf(stderr,
            "nnlab: error: expected one CHECKPOINT or MODEL.h5 (try "
            "--help)\n");
    return 2;
  }
  nnlab_show_hdf5_errors(verbose);
  if (verify && data_path) {
    fprintf(stderr, "nnlab: error: --verify checks FILE alone; drop --data\n");
    return 2;
  }
  if (verify) return inspect_verify(argv[1], json);
  g_autoptr(GError) error = NULL;
  nnlab_registry *registry = open_registry(FALSE);
  nnlab_model_file *f =
      load_model_file(argv[1], registry, strict_versions, &error);
  inspect_report report = {.path = argv[1], .file = f, .data_path = data_path};
  int status = 0;
  if (!f || !inspect_report_gather(&report, &error))
    status = report_error(error);
  else if (json)
    inspect_print_json(&report);
  else
    inspect_print_text(&report);
  inspect_report_clear(&report);
  nnlab_model_file_free(f);
  nnlab_registry_free(registry);
  return status;
}
