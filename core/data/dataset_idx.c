/* Importing MNIST-style IDX files: a big-endian header (magic number, then
 * one 32-bit size per dimension) followed by unsigned bytes. Read through
 * zlib, so .gz and plain files both work. The header's sizes are checked
 * against nnlab's limit before anything is allocated for them. */
#include <errno.h>
#include <string.h>

#include <glib/gstdio.h>

#include <nnlab/files.h>

#include "data/dataset_gzip.h"
#include "data/dataset_internal.h"

#define IDX_IMAGES_MAGIC 0x00000803u /* unsigned bytes, 3 dimensions */
#define IDX_LABELS_MAGIC 0x00000801u /* unsigned bytes, 1 dimension */
#define IDX_DEFAULT_CLASSES 10
#define READ_BLOCK 65536
/* Deflate's best compression ratio: a gzip file of n bytes holds at most
 * this many times n bytes of data. */
#define DEFLATE_MAX_RATIO 1032

typedef struct idx_file {
  const char *path;
  gzFile file;
  uint32_t dims[3];
  size_t header_bytes;
} idx_file;

/* Reads up to n bytes; *got is how many arrived before the end. */
static gboolean read_bytes(idx_file *idx, void *buffer, size_t n, size_t *got,
                           GError **error) {
  *got = 0;
  while (*got < n) {
    unsigned int want = (unsigned int)MIN(n - *got, (size_t)1 << 30);
    int count = gzread(idx->file, (char *)buffer + *got, want);
    if (count < 0) {
      const char *problem = dataset_gzip_problem(idx->file, idx->path);
      g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_IO, "%s: %s", idx->path,
                  problem ? problem : "cannot read the file");
      return FALSE;
    }
    if (count == 0) break;
    *got += (size_t)count;
  }
  return TRUE;
}

static uint32_t read_be32(const guint8 *bytes) {
  uint32_t value;
  memcpy(&value, bytes, sizeof value);
  return GUINT32_FROM_BE(value);
}

static const char *magic_kind(uint32_t magic) {
  if (magic == IDX_IMAGES_MAGIC) return " (an IDX images file?)";
  if (magic == IDX_LABELS_MAGIC) return " (an IDX labels file?)";
  return "";
}

static gboolean open_idx(idx_file *idx, uint32_t expected_magic,
                         GError **error) {
  if (!nnlab_check_input_file(idx->path, error)) return FALSE;
  idx->file = gzopen(idx->path, "rb");
  if (!idx->file) {
    int saved = errno;
    g_set_error(error, NNLAB_ERROR,
                saved == ENOENT ? NNLAB_ERROR_NOT_FOUND : NNLAB_ERROR_IO,
                "%s: %s", idx->path,
                saved ? g_strerror(saved) : "cannot open the file");
    return FALSE;
  }
  size_t n_dims = expected_magic & 0xff;
  guint8 header[4 + 4 * 3];
  size_t got = 0;
  idx->header_bytes = 4 + 4 * n_dims;
  if (!read_bytes(idx, header, idx->header_bytes, &got, error)) return FALSE;
  if (got < 4) {
    g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_INVALID,
                "%s: %zu bytes, too short for an IDX file", idx->path, got);
    return FALSE;
  }
  uint32_t magic = read_be32(header);
  if (magic != expected_magic) {
    g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_INVALID,
                "%s: magic number 0x%08x, expected 0x%08x (%s)%s", idx->path,
                magic, expected_magic,
                expected_magic == IDX_IMAGES_MAGIC
                    ? "unsigned-byte images: count x rows x columns"
                    : "unsigned-byte labels: count",
                magic_kind(magic));
    return FALSE;
  }
  if (got < idx->header_bytes) {
    g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_INVALID,
                "%s: truncated IDX header: %zu of %zu bytes", idx->path, got,
                idx->header_bytes);
    return FALSE;
  }
  for (size_t i = 0; i < n_dims; i++) {
    idx->dims[i] = read_be32(header + 4 + 4 * i);
    if (idx->dims[i] == 0) {
      g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_INVALID,
                  "%s: dimension %zu of the header is 0", idx->path, i + 1);
      return FALSE;
    }
  }
  return TRUE;
}

/* Checks that nothing follows the data the header describes. */
static gboolean check_end(idx_file *idx, size_t data_bytes, GError **error) {
  g_autofree guint8 *block = g_malloc(READ_BLOCK);
  size_t extra = 0, got = 0;
  do {
    if (!read_bytes(idx, block, READ_BLOCK, &got, error)) return FALSE;
    extra += got;
  } while (got == READ_BLOCK);
  if (extra == 0) return TRUE;
  g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_INVALID,
              "%s: %zu bytes after the %zu the header describes (%zu of "
              "header and %zu of data); are the dimensions right?",
              idx->path, extra, idx->header_bytes + data_bytes,
              idx->header_bytes, data_bytes);
  return FALSE;
}

static gboolean truncated(const idx_file *idx, size_t expected, size_t found,
                          GError **error) {
  g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_INVALID,
              "%s: truncated: expected %zu bytes of data after the %zu-byte "
              "header, found %zu",
              idx->path, expected, idx->header_bytes, found);
  return FALSE;
}

/* Checks that the file can hold the data_bytes its header claims before
 * anything that size is allocated: a plain file must have them, a gzip
 * file must be big enough to inflate to them. */
static gboolean check_claimed_size(const idx_file *idx, size_t data_bytes,
                                   GError **error) {
  GStatBuf info;
  if (g_stat(idx->path, &info) != 0 || info.st_size < 0) return TRUE;
  size_t file_bytes = (size_t)info.st_size;
  if (gzdirect(idx->file)) {
    size_t found =
        file_bytes > idx->header_bytes ? file_bytes - idx->header_bytes : 0;
    return data_bytes <= found || truncated(idx, data_bytes, found, error);
  }
  if (data_bytes / DEFLATE_MAX_RATIO <= file_bytes) return TRUE;
  g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_INVALID,
              "%s: the header claims %zu bytes of data, more than a %zu-byte "
              "gzip file can hold; are the dimensions right?",
              idx->path, data_bytes, file_bytes);
  return FALSE;
}

/* Reads the pixels block by block straight into the features. */
static gboolean read_images(idx_file *idx, nnlab_dataset *dataset,
                            gboolean keep_pixel_values, GError **error) {
  size_t total = dataset->n_rows * dataset->n_features, done = 0, got = 0;
  g_autofree guint8 *block = g_malloc(READ_BLOCK);
  while (done < total) {
    size_t want = MIN(total - done, (size_t)READ_BLOCK);
    if (!read_bytes(idx, block, want, &got, error)) return FALSE;
    for (size_t i = 0; i < got; i++)
      dataset->features[done + i] =
          keep_pixel_values ? (float)block[i] : (float)block[i] / 255.0f;
    done += got;
    if (got < want) return truncated(idx, total, done, error);
  }
  return check_end(idx, total, error);
}

static gboolean read_labels(idx_file *idx, nnlab_dataset *dataset,
                            guint8 *max_label, GError **error) {
  size_t n = dataset->n_rows, got = 0;
  guint8 *raw = g_try_malloc(n);
  if (!raw) {
    g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_NO_MEMORY,
                "%s: cannot allocate %zu bytes for the labels", idx->path, n);
    return FALSE;
  }
  gboolean ok = read_bytes(idx, raw, n, &got, error) &&
                (got == n || truncated(idx, n, got, error)) &&
                check_end(idx, n, error);
  *max_label = 0;
  for (size_t i = 0; ok && i < n; i++) {
    dataset->labels[i] = raw[i];
    *max_label = MAX(*max_label, raw[i]);
  }
  g_free(raw);
  return ok;
}

/* n_classes from the options, or 10 (more if a label needs it). */
static gboolean set_classes(const idx_file *labels, nnlab_dataset *dataset,
                            const nnlab_idx_options *options, guint8 max_label,
                            GError **error) {
  size_t n_names =
      options->class_names ? g_strv_length((char **)options->class_names) : 0;
  size_t n_classes = n_names ? n_names
                     : options->n_classes
                         ? options->n_classes
                         : MAX(IDX_DEFAULT_CLASSES, (size_t)max_label + 1);
  if (n_classes > NNLAB_DATASET_MAX_CLASSES) {
    g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_RANGE,
                "%zu classes is more than nnlab's limit of %zu", n_classes,
                NNLAB_DATASET_MAX_CLASSES);
    return FALSE;
  }
  for (size_t i = 0; i < dataset->n_rows; i++) {
    if ((size_t)dataset->labels[i] < n_classes) continue;
    g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_RANGE,
                "%s: label %d at index %zu is outside [0, %zu)%s", labels->path,
                (int)dataset->labels[i], i, n_classes,
                n_names ? " (one class per name given)" : "");
    return FALSE;
  }
  dataset->n_classes = n_classes;
  dataset->class_names = n_names ? g_strdupv((char **)options->class_names)
                                 : nnlab_dataset_default_class_names(n_classes);
  return TRUE;
}

static nnlab_dataset *import_files(idx_file *images, idx_file *labels,
                                   const nnlab_idx_options *options,
                                   GError **error) {
  if (!open_idx(images, IDX_IMAGES_MAGIC, error) ||
      !open_idx(labels, IDX_LABELS_MAGIC, error))
    return NULL;
  if (images->dims[0] != labels->dims[0]) {
    g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_INVALID,
                "%s has %u images but %s has %u labels", images->path,
                images->dims[0], labels->path, labels->dims[0]);
    return NULL;
  }
  size_t n_rows = images->dims[0];
  size_t n_features = (size_t)images->dims[1] * images->dims[2];
  GError *local = NULL;
  if (!dataset_check_elements(n_rows, n_features, "images", &local)) {
    g_propagate_prefixed_error(error, local, "%s: ", images->path);
    return NULL;
  }
  if (!check_claimed_size(images, n_rows * n_features, error) ||
      !check_claimed_size(labels, n_rows, error))
    return NULL;
  /* The classes are counted once the labels are read. */
  nnlab_dataset *dataset =
      nnlab_dataset_new(NNLAB_TASK_CLASSIFICATION, n_rows, n_features, 1,
                        NNLAB_DATASET_MAX_CLASSES, &local);
  if (!dataset) {
    g_propagate_prefixed_error(error, local, "%s: ", images->path);
    return NULL;
  }
  guint8 max_label = 0;
  if (!read_images(images, dataset, options->keep_pixel_values, error) ||
      !read_labels(labels, dataset, &max_label, error) ||
      !set_classes(labels, dataset, options, max_label, error)) {
    nnlab_dataset_free(dataset);
    return NULL;
  }
  dataset->source = g_strdup(options->source);
  return dataset;
}

nnlab_dataset *nnlab_dataset_import_idx(const char *images_path,
                                        const char *labels_path,
                                        const nnlab_idx_options *options,
                                        GError **error) {
  nnlab_idx_options defaults = {0};
  idx_file images = {.path = images_path};
  idx_file labels = {.path = labels_path};
  nnlab_dataset *dataset =
      import_files(&images, &labels, options ? options : &defaults, error);
  if (images.file) gzclose(images.file);
  if (labels.file) gzclose(labels.file);
  return dataset;
}
