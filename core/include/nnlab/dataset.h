/* Datasets: features X (N x D, float32) and targets, in memory and as
 * HDF5 files (layout in docs/formats.md). */
#ifndef NNLAB_DATASET_H
#define NNLAB_DATASET_H

#include <nnlab/common.h>

G_BEGIN_DECLS

typedef enum nnlab_task {
  NNLAB_TASK_REGRESSION = 1,     /* float targets, N x K */
  NNLAB_TASK_CLASSIFICATION = 2, /* int32 class indices in [0, n_classes) */
} nnlab_task;

typedef struct nnlab_dataset {
  nnlab_task task;
  size_t n_rows;        /* N */
  size_t n_features;    /* D */
  size_t n_targets;     /* K for regression; 1 for classification */
  size_t n_classes;     /* classification only */
  float *features;      /* N x D, row-major */
  float *targets;       /* regression: N x K; NULL for classification */
  int32_t *labels;      /* classification: N; NULL for regression */
  char **feature_names; /* D names (NULL-terminated), or NULL */
  char **target_names;  /* K names (NULL-terminated), or NULL */
  char **class_names;   /* n_classes names (NULL-terminated), or NULL */
  char *source;         /* free text: where the data came from, or NULL */
} nnlab_dataset;

/* A zeroed dataset with features, targets or labels allocated (64-byte
 * aligned). Names and source start NULL. NULL with an error if the sizes
 * overflow or memory runs out. */
NNLAB_API nnlab_dataset *nnlab_dataset_new(nnlab_task task, size_t n_rows,
                                           size_t n_features, size_t n_targets,
                                           size_t n_classes, GError **error);
NNLAB_API void nnlab_dataset_free(nnlab_dataset *dataset);

/* The rows at indices, in that order, as a new dataset (names copied). */
NNLAB_API nnlab_dataset *nnlab_dataset_select(const nnlab_dataset *dataset,
                                              const size_t *indices,
                                              size_t n_indices, GError **error);

/* HDF5 I/O. Saving is atomic: a temporary file in the same directory is
 * renamed over path only when complete. Loading checks every shape, type
 * and label and names the HDF5 path at fault. */
NNLAB_API nnlab_dataset *nnlab_dataset_load(const char *path, GError **error);
NNLAB_API gboolean nnlab_dataset_save(const nnlab_dataset *dataset,
                                      const char *path, GError **error);

/* "regression" / "classification". */
NNLAB_API const char *nnlab_task_name(nnlab_task task);
/* Parses a task name; returns FALSE if unknown. */
NNLAB_API gboolean nnlab_task_from_name(const char *name, nnlab_task *task);

/* Limits checked before anything is allocated: elements in X (or y), and
 * classes in a classification dataset. */
#define NNLAB_DATASET_MAX_ELEMENTS ((size_t)1 << 34)
#define NNLAB_DATASET_MAX_CLASSES ((size_t)1 << 20)

/* The class names "0", "1", ... for datasets that have none
 * (NULL-terminated; g_strfreev). */
NNLAB_API char **nnlab_dataset_default_class_names(size_t n_classes);

/* A hex SHA-256 of the contents: task, shape, X, y, n_classes and the
 * names (not the source). The same data gives the same digest whatever
 * file it came from. g_free it. */
NNLAB_API char *nnlab_dataset_digest(const nnlab_dataset *dataset);

/* Importing CSV files (plain, or gzip-compressed: read through zlib). */
typedef enum nnlab_csv_header {
  NNLAB_CSV_HEADER_AUTO, /* a header if the first line has a non-number */
  NNLAB_CSV_HEADER_YES,
  NNLAB_CSV_HEADER_NO,
} nnlab_csv_header;

typedef struct nnlab_csv_options {
  char delimiter;          /* ',' when 0 */
  nnlab_csv_header header; /* AUTO by default */
  size_t skip_lines;       /* lines skipped before the header or data */
  /* NULL-terminated column specs: a header name, or a 0-based index,
   * negative counting from the end ("-1" is the last column). NULL: the
   * last column. Classification takes exactly one. */
  const char *const *target_columns;
  /* 0: classification if class_names is set, else regression. */
  nnlab_task task;
  /* NULL-terminated. Classification: n_classes is their count; without
   * them it is the largest label + 1 and the names are "0", "1", ... */
  const char *const *class_names;
  /* NULL-terminated, one per feature column; replaces the header's. */
  const char *const *feature_names;
  const char *source; /* stored as the dataset's source, or NULL */
} nnlab_csv_options;

/* The defaults above (the same as a zeroed struct). */
NNLAB_API void nnlab_csv_options_init(nnlab_csv_options *options);

/* Reads a CSV file: every cell a number, blank lines ignored, \r\n and
 * spaces around cells accepted, "quoted" cells unquoted. Classification
 * labels must be integers >= 0. Errors name the file, line and column.
 * options may be NULL for the defaults. */
NNLAB_API nnlab_dataset *nnlab_dataset_import_csv(
    const char *path, const nnlab_csv_options *options, GError **error);

/* Reads a CSV of feature rows only (a first line with a non-number is a
 * header and skipped) into a new rows x expected_columns array (g_free).
 * Errors name the file, line and column. */
NNLAB_API float *nnlab_csv_read_matrix(const char *path, char delimiter,
                                       size_t expected_columns, size_t *n_rows,
                                       GError **error);

/* Importing MNIST-style IDX files (plain or gzip-compressed): images of
 * unsigned bytes (magic 0x00000803: count x rows x columns) and labels
 * (magic 0x00000801: count). */
typedef struct nnlab_idx_options {
  gboolean keep_pixel_values; /* TRUE: features 0..255; FALSE: pixel/255 */
  /* 0: 10, or the largest label + 1 if that is more. */
  size_t n_classes;
  const char *const *class_names; /* NULL-terminated; fixes n_classes */
  const char *source;             /* stored as the dataset's source */
} nnlab_idx_options;

/* options may be NULL for the defaults. */
NNLAB_API nnlab_dataset *nnlab_dataset_import_idx(
    const char *images_path, const char *labels_path,
    const nnlab_idx_options *options, GError **error);

/* Statistics of one column, computed in double precision. std is the
 * population standard deviation (divides by N, as numpy's default). */
typedef struct nnlab_column_stats {
  double mean;
  double std;
  double min;
  double max;
} nnlab_column_stats;

/* One entry per feature (D); g_free the array. NULL with an error only if
 * memory runs out. */
NNLAB_API nnlab_column_stats *nnlab_dataset_feature_stats(
    const nnlab_dataset *dataset, GError **error);
/* One entry per regression target (K); NULL for classification. */
NNLAB_API nnlab_column_stats *nnlab_dataset_target_stats(
    const nnlab_dataset *dataset, GError **error);
/* Rows per class (n_classes entries); NULL for regression. g_free it. */
NNLAB_API size_t *nnlab_dataset_class_counts(const nnlab_dataset *dataset);

G_END_DECLS

#endif
