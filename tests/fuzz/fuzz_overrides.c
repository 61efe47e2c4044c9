/* --set overrides: nnlab_run_config_parse of a valid config with the
 * input's lines as "section.key=value" overrides, as nnlab train --set
 * passes them; then the model, when small. */
#include "fuzz_support.h"

#define MAX_OVERRIDES 64

static const char base_config[] =
    "[data]\n"
    "path = ../datasets/iris.h5\n"
    "val_fraction = 0.2\n"
    "test_fraction = 0.2\n"
    "\n"
    "[model]\n"
    "hidden = 8\n"
    "activation = tanh\n"
    "seed = 1\n"
    "\n"
    "[training]\n"
    "epochs = 20\n"
    "batch_size = 16\n"
    "loss = cross_entropy\n"
    "\n"
    "[optimizer]\n"
    "name = adam\n"
    "lr = 0.01\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  g_autofree char *text = fuzz_string(data, size);
  g_auto(GStrv) overrides = g_strsplit(text, "\n", MAX_OVERRIDES);
  GError *error = NULL;
  nnlab_run_config *config = nnlab_run_config_parse(
      base_config, "/fuzz/run.ini", (const char *const *)overrides,
      fuzz_registry(), &error);
  fuzz_check_outcome(config != NULL, error);
  if (config) fuzz_build_model(config);
  nnlab_run_config_free(config);
  g_clear_error(&error);
  return 0;
}
