/* A content digest of a dataset, independent of file layout and host
 * byte order: values are hashed as little-endian 32-bit words. A pure
 * function of the contents: no I/O. */
#include <string.h>

#include <nnlab/dataset.h>

#define WORDS_PER_BLOCK 1024

static void hash_words(GChecksum *checksum, const void *values, size_t n) {
  const uint32_t *words = values;
  uint32_t block[WORDS_PER_BLOCK];
  while (n > 0) {
    size_t count = MIN(n, (size_t)WORDS_PER_BLOCK);
    for (size_t i = 0; i < count; i++) block[i] = GUINT32_TO_LE(words[i]);
    g_checksum_update(checksum, (const guchar *)block, count * sizeof(*block));
    words += count;
    n -= count;
  }
}

/* A section name, then each name ending in NUL; "-" for no names. */
static void hash_names(GChecksum *checksum, const char *section,
                       char *const *names) {
  g_checksum_update(checksum, (const guchar *)section, strlen(section) + 1);
  if (!names) {
    g_checksum_update(checksum, (const guchar *)"-", 1);
    return;
  }
  for (size_t i = 0; names[i]; i++)
    g_checksum_update(checksum, (const guchar *)names[i], strlen(names[i]) + 1);
}

char *nnlab_dataset_digest(const nnlab_dataset *dataset) {
  g_autoptr(GChecksum) checksum = g_checksum_new(G_CHECKSUM_SHA256);
  g_autofree char *shape = g_strdup_printf(
      "nnlab-dataset-digest 1\ntask=%s\nrows=%zu\nfeatures=%zu\ntargets=%zu\n"
      "classes=%zu\n",
      nnlab_task_name(dataset->task), dataset->n_rows, dataset->n_features,
      dataset->n_targets, dataset->n_classes);
  g_checksum_update(checksum, (const guchar *)shape, strlen(shape));
  hash_words(checksum, dataset->features,
             dataset->n_rows * dataset->n_features);
  if (dataset->targets)
    hash_words(checksum, dataset->targets,
               dataset->n_rows * dataset->n_targets);
  else
    hash_words(checksum, dataset->labels, dataset->n_rows);
  hash_names(checksum, "feature_names", dataset->feature_names);
  hash_names(checksum, "target_names", dataset->target_names);
  hash_names(checksum, "class_names", dataset->class_names);
  return g_strdup(g_checksum_get_string(checksum));
}
