/* CSV import: nnlab_dataset_import_csv with the option sets nnlab data
 * import passes, and nnlab_csv_read_matrix (nnlab predict), over one file.
 * A file starting with the gzip magic goes through zlib's inflate. */
#include <string.h>

#include <nnlab/dataset.h>

#include "fuzz_support.h"

/* Touches every value and name so the sanitizers see any bad pointer. */
static void check_dataset(const nnlab_dataset *dataset) {
  g_free(nnlab_dataset_feature_stats(dataset, NULL));
  g_free(nnlab_dataset_target_stats(dataset, NULL));
  g_free(nnlab_dataset_class_counts(dataset));
  g_free(nnlab_dataset_digest(dataset));
  char **lists[] = {dataset->feature_names, dataset->target_names,
                    dataset->class_names};
  size_t expected[] = {dataset->n_features, dataset->n_targets,
                       dataset->n_classes};
  for (size_t i = 0; i < G_N_ELEMENTS(lists); i++)
    if (lists[i] && g_strv_length(lists[i]) != expected[i]) abort();
}

static void import(const char *path, const nnlab_csv_options *options) {
  GError *error = NULL;
  nnlab_dataset *dataset = nnlab_dataset_import_csv(path, options, &error);
  fuzz_check_outcome(dataset != NULL, error);
  if (dataset) check_dataset(dataset);
  nnlab_dataset_free(dataset);
  g_clear_error(&error);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *path = fuzz_write_file("input.csv", data, size);
  nnlab_csv_options options;

  nnlab_csv_options_init(&options);
  import(path, &options);

  /* Classification without class names makes one name per label up to
   * the largest (2^20 at most): too slow to fuzz, so names are given. */
  static const char *const class_names[] = {"a", "b", "c", NULL};
  nnlab_csv_options_init(&options);
  options.class_names = class_names;
  import(path, &options);

  static const char *const targets[] = {"0", "-1", "price", NULL};
  nnlab_csv_options_init(&options);
  options.delimiter = ';';
  options.skip_lines = 1;
  options.header = NNLAB_CSV_HEADER_YES;
  options.target_columns = targets + 1;
  import(path, &options);
  options.delimiter = 0;
  options.header = NNLAB_CSV_HEADER_AUTO;
  options.target_columns = targets;
  import(path, &options);

  for (size_t columns = 1; columns <= 4; columns += 3) {
    GError *error = NULL;
    size_t n_rows = 0;
    float *values = nnlab_csv_read_matrix(path, ',', columns, &n_rows, &error);
    fuzz_check_outcome(values != NULL, error);
    for (size_t i = 0; values && i < n_rows * columns; i++)
      fuzz_sink += values[i];
    g_free(values);
    g_clear_error(&error);
  }
  return 0;
}
