/* Comparison specs: nnlab_compare_load over the input as a spec file.
 * Beside it are a problem config (problem.ini) and the 4-row XOR dataset it
 * trains on (xor.h5), so dataset problems load as quickly as test-function
 * ones; nothing is run. */
#include <stdio.h>

#include <nnlab/compare.h>
#include <nnlab/dataset.h>

#include "fuzz_support.h"

static const char problem_config[] =
    "[data]\n"
    "path = xor.h5\n"
    "val_fraction = 0.25\n"
    "test_fraction = 0.25\n"
    "\n"
    "[model]\n"
    "hidden = 4\n"
    "activation = tanh\n"
    "output_activation = sigmoid\n"
    "seed = 1\n"
    "\n"
    "[training]\n"
    "epochs = 5\n"
    "batch_size = full\n"
    "loss = binary_cross_entropy\n"
    "\n"
    "[optimizer]\n"
    "name = sgd\n"
    "lr = 0.5\n";

static void write_problem(void) {
  static gboolean written;
  if (written) return;
  written = TRUE;
  nnlab_dataset * xor
      = nnlab_dataset_new(NNLAB_TASK_CLASSIFICATION, 4, 2, 1, 2, NULL);
  for (int i = 0; i < 4; i++) {
    xor->features[2 * i] = (float)(i & 1);
    xor->features[2 * i + 1] = (float)(i >> 1);
    xor->labels[i] = (i & 1) ^ (i >> 1);
  }
  xor->class_names = nnlab_dataset_default_class_names(2);
  g_autofree char *data = fuzz_path("xor.h5");
  GError *error = NULL;
  if (!nnlab_dataset_save(xor, data, &error)) {
    fprintf(stderr, "fuzz harness: %s\n", error->message);
    abort();
  }
  nnlab_dataset_free(xor);
  fuzz_write_file("problem.ini", (const uint8_t *)problem_config,
                  sizeof problem_config - 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  write_problem();
  const char *path = fuzz_write_file("spec.ini", data, size);
  GError *error = NULL;
  nnlab_compare *compare =
      nnlab_compare_load(path, NULL, fuzz_registry(), &error);
  fuzz_check_outcome(compare != NULL, error);
  nnlab_compare_free(compare);
  g_clear_error(&error);
  return 0;
}
