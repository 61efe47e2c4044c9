/* IDX import: nnlab_dataset_import_idx over an images file and a labels
 * file (plain or gzip). The input is a 4-byte big-endian length L, then L
 * bytes of the images file, then the labels file. */
#include <string.h>

#include <nnlab/dataset.h>

#include "fuzz_support.h"

static void import(const char *images, const char *labels,
                   const nnlab_idx_options *options) {
  GError *error = NULL;
  nnlab_dataset *dataset =
      nnlab_dataset_import_idx(images, labels, options, &error);
  fuzz_check_outcome(dataset != NULL, error);
  if (dataset) {
    for (size_t i = 0; i < dataset->n_rows * dataset->n_features; i++)
      fuzz_sink += dataset->features[i];
    for (size_t i = 0; i < dataset->n_rows; i++)
      if (dataset->labels[i] < 0 ||
          (size_t)dataset->labels[i] >= dataset->n_classes)
        abort();
    if (g_strv_length(dataset->class_names) != dataset->n_classes) abort();
  }
  nnlab_dataset_free(dataset);
  g_clear_error(&error);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 4) return 0;
  size_t split = (size_t)data[0] << 24 | (size_t)data[1] << 16 |
                 (size_t)data[2] << 8 | data[3];
  data += 4;
  size -= 4;
  split = MIN(split, size);
  const char *images = fuzz_write_file("images.idx", data, split);
  const char *labels =
      fuzz_write_file("labels.idx", data + split, size - split);
  import(images, labels, NULL);
  static const char *const class_names[] = {"zero", "one", "two", NULL};
  nnlab_idx_options options = {.keep_pixel_values = TRUE,
                               .class_names = class_names};
  import(images, labels, &options);
  return 0;
}
