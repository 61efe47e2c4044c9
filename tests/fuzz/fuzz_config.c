/* Run configs: nnlab_run_config_parse over the input as INI text, then,
 * when the network it describes is small, the model it builds (which
 * parses the [layer.N] weights and bias). */
#include "fuzz_support.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  g_autofree char *text = fuzz_string(data, size);
  GError *error = NULL;
  nnlab_run_config *config = nnlab_run_config_parse(text, "/fuzz/run.ini", NULL,
                                                    fuzz_registry(), &error);
  fuzz_check_outcome(config != NULL, error);
  if (config) fuzz_build_model(config);
  nnlab_run_config_free(config);
  g_clear_error(&error);
  return 0;
}
