/* Importing CSV files as datasets. Errors name the file, line and column
 * (columns counted from 1, as in editors and spreadsheets). The size is
 * checked against nnlab's limit before the values are allocated; the file
 * is only read, and saving is the caller's. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "data/dataset_csv_reader.h"
#include "data/dataset_internal.h"
#include <nnlab/common.h>
#include "base/suggest.h"

typedef struct csv_import {
  const char *path;
  const nnlab_csv_options *options;
  nnlab_task task;
  csv_reader *reader;
  size_t n_columns;
  char **header;          /* n_columns names, or NULL */
  size_t *target_columns; /* in the order given */
  size_t n_targets;
  gboolean *is_target; /* per column */
  GArray *values;      /* float, n_columns per row */
  size_t n_rows;
  int32_t max_label;
} csv_import;

void nnlab_csv_options_init(nnlab_csv_options *options) {
  memset(options, 0, sizeof *options);
}

static gboolean parse_number(const char *text, double *value) {
  if (*text == '\0') return FALSE;
  char *end = NULL;
  *value = g_ascii_strtod(text, &end);
  return end != text && *end == '\0';
}

/* " (NAME)" when the file has a header, for error messages. */
static char *column_label(const csv_import *import, size_t column) {
  if (!import->header) return g_strdup_printf("column %zu", column + 1);
  g_autofree char *name = nnlab_excerpt(import->header[column]);
  return g_strdup_printf("column %zu (%s)", column + 1, name);
}

static gboolean fail_at(const csv_import *import, size_t column, GError **error,
                        const char *format, ...) G_GNUC_PRINTF(4, 5);
static gboolean fail_at(const csv_import *import, size_t column, GError **error,
                        const char *format, ...) {
  va_list args;
  va_start(args, format);
  g_autofree char *problem = g_strdup_vprintf(format, args);
  va_end(args);
  g_autofree char *label = column_label(import, column);
  g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_INVALID, "%s:%zu, %s: %s",
              import->path, csv_reader_line_number(import->reader), label,
              problem);
  return FALSE;
}

static gboolean is_header_row(char **cells, size_t n_cells) {
  double ignored;
  for (size_t i = 0; i < n_cells; i++)
    if (cells[i][0] != '\0' && !parse_number(cells[i], &ignored)) return TRUE;
  return FALSE;
}

/* A header name, or a 0-based index (negative from the end). */
static gboolean resolve_column(const csv_import *import, const char *spec,
                               size_t *column, GError **error) {
  for (size_t i = 0; import->header && i < import->n_columns; i++) {
    if (strcmp(import->header[i], spec) == 0) {
      *column = i;
      return TRUE;
    }
  }
  char *end = NULL;
  long long index = g_ascii_strtoll(spec, &end, 10);
  long long n = (long long)import->n_columns;
  if (*spec != '\0' && *end == '\0') {
    if (index < -n || index >= n) {
      g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_RANGE,
                  "%s: target column %lld is outside the %lld columns (use 0 "
                  "to %lld, or -%lld to -1 from the end)",
                  import->path, index, n, n - 1, n);
      return FALSE;
    }
    *column = (size_t)(index < 0 ? index + n : index);
    return TRUE;
  }
  g_autofree char *shown = nnlab_excerpt(spec);
  if (!import->header) {
    g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_NOT_FOUND,
                "%s: target column '%s' is a name, but the file has no header "
                "(give a column index)",
                import->path, shown);
    return FALSE;
  }
  g_autofree char *hint =
      suggest_hint(spec, (const char *const *)import->header);
  g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_NOT_FOUND,
              "%s: no column named '%s' in the header%s", import->path, shown,
              hint);
  return FALSE;
}

static gboolean resolve_targets(csv_import *import, GError **error) {
  static const char *const last_column[] = {"-1", NULL};
  const char *const *specs =
      import->options->target_columns && import->options->target_columns[0]
          ? import->options->target_columns
          : last_column;
  size_t n_specs = g_strv_length((char **)specs);
  if (import->task == NNLAB_TASK_CLASSIFICATION && n_specs != 1) {
    g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_INVALID,
                "%s: classification takes one target column, not %zu",
                import->path, n_specs);
    return FALSE;
  }
  import->target_columns = g_new0(size_t, n_specs);
  import->is_target = g_new0(gboolean, import->n_columns);
  for (size_t i = 0; i < n_specs; i++) {
    size_t column = 0;
    if (!resolve_column(import, specs[i], &column, error)) return FALSE;
    if (import->is_target[column]) {
      g_autofree char *shown = nnlab_excerpt(specs[i]);
      g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_INVALID,
                  "%s: target column '%s' is given twice", import->path, shown);
      return FALSE;
    }
    import->is_target[column] = TRUE;
    import->target_columns[import->n_targets++] = column;
  }
  if (import->n_targets >= import->n_columns) {
    g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_INVALID,
                "%s: every one of the %zu columns is a target; no features "
                "are left",
                import->path, import->n_columns);
    return FALSE;
  }
  return TRUE;
}

static gboolean check_label(csv_import *import, size_t column, double value,
                            const char *text, GError **error) {
  if (value < 0 || value != floor(value)) {
    g_autofree char *shown = nnlab_excerpt(text);
    return fail_at(import, column, error,
                   "class label '%s' is not an integer >= 0", shown);
  }
  const char *const *names = import->options->class_names;
  size_t limit =
      names ? g_strv_length((char **)names) : NNLAB_DATASET_MAX_CLASSES;
  if (value >= (double)limit) {
    if (names)
      return fail_at(import, column, error,
                     "class label %.0f is outside [0, %zu) (%zu class names "
                     "given)",
                     value, limit, limit);
    return fail_at(import, column, error,
                   "class label %.0f is more than nnlab's limit of %zu "
                   "classes",
                   value, limit);
  }
  import->max_label = MAX(import->max_label, (int32_t)value);
  return TRUE;
}

static gboolean add_row(csv_import *import, char **cells, size_t n_cells,
                        GError **error) {
  if (n_cells != import->n_columns) {
    g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_INVALID,
                "%s:%zu: expected %zu columns, found %zu", import->path,
                csv_reader_line_number(import->reader), import->n_columns,
                n_cells);
    return FALSE;
  }
  if (!dataset_check_elements(import->n_rows + 1, import->n_columns,
                              import->path, error))
    return FALSE;
  if (import->values->len > G_MAXUINT - n_cells) { /* a GArray's limit */
    g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_RANGE,
                "%s:%zu: more than %u values; split the file", import->path,
                csv_reader_line_number(import->reader), G_MAXUINT);
    return FALSE;
  }
  for (size_t j = 0; j < n_cells; j++) {
    double value = 0.0;
    if (cells[j][0] == '\0')
      return fail_at(import, j, error, "empty cell, expected a number");
    gboolean number = parse_number(cells[j], &value);
    float single = (float)value;
    if (!number || !isfinite(single)) {
      g_autofree char *shown = nnlab_excerpt(cells[j]);
      return fail_at(import, j, error, "'%s' %s", shown,
                     !number            ? "is not a number"
                     : !isfinite(value) ? "is not a finite number"
                                        : "is outside the float32 range");
    }
    if (import->task == NNLAB_TASK_CLASSIFICATION && import->is_target[j] &&
        !check_label(import, j, value, cells[j], error))
      return FALSE;
    g_array_append_val(import->values, single);
  }
  import->n_rows++;
  return TRUE;
}

/* The first row: the header (if any), the column count and the targets. */
static gboolean read_layout(csv_import *import, GError **error) {
  char **cells = NULL;
  size_t n_cells = 0;
  if (!csv_reader_skip_lines(import->reader, import->options->skip_lines,
                             error))
    return FALSE;
  GError *local = NULL;
  if (!csv_reader_next_row(import->reader, &cells, &n_cells, &local)) {
    if (local)
      g_propagate_error(error, local);
    else
      g_set_error(
          error, NNLAB_ERROR, NNLAB_ERROR_INVALID,
          "%s: no data rows (the file is empty%s)", import->path,
          import->options->skip_lines ? " after the skipped lines" : "");
    return FALSE;
  }
  import->n_columns = n_cells;
  nnlab_csv_header header = import->options->header;
  gboolean has_header =
      header == NNLAB_CSV_HEADER_YES ||
      (header == NNLAB_CSV_HEADER_AUTO && is_header_row(cells, n_cells));
  if (has_header) import->header = g_strdupv(cells);
  if (n_cells < 2) {
    g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_INVALID,
                "%s:%zu: one column; a dataset needs a feature and a target "
                "(is the delimiter '%c' right?)",
                import->path, csv_reader_line_number(import->reader),
                import->options->delimiter ? import->options->delimiter : ',');
    return FALSE;
  }
  if (!resolve_targets(import, error)) return FALSE;
  return has_header || add_row(import, cells, n_cells, error);
}

static gboolean read_rows(csv_import *import, GError **error) {
  char **cells = NULL;
  size_t n_cells = 0;
  GError *local = NULL;
  while (csv_reader_next_row(import->reader, &cells, &n_cells, &local))
    if (!add_row(import, cells, n_cells, &local)) break;
  if (local) {
    g_propagate_error(error, local);
    return FALSE;
  }
  if (import->n_rows == 0) {
    g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_INVALID,
                "%s: no data rows (only a header)", import->path);
    return FALSE;
  }
  return TRUE;
}

/* Names of the columns marked (or not marked) as targets, from the header. */
static char **header_names(const csv_import *import, gboolean targets) {
  if (!import->header) return NULL;
  GPtrArray *names = g_ptr_array_new();
  if (targets) {
    for (size_t i = 0; i < import->n_targets; i++)
      g_ptr_array_add(names,
                      g_strdup(import->header[import->target_columns[i]]));
  } else {
    for (size_t j = 0; j < import->n_columns; j++)
      if (!import->is_target[j])
        g_ptr_array_add(names, g_strdup(import->header[j]));
  }
  g_ptr_array_add(names, NULL);
  return (char **)g_ptr_array_free(names, FALSE);
}

static gboolean set_names(const csv_import *import, nnlab_dataset *dataset,
                          GError **error) {
  const nnlab_csv_options *options = import->options;
  if (options->feature_names) {
    size_t n = g_strv_length((char **)options->feature_names);
    if (n != dataset->n_features) {
      g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_INVALID,
                  "%s: %zu feature names given for %zu feature columns",
                  import->path, n, dataset->n_features);
      return FALSE;
    }
    dataset->feature_names = g_strdupv((char **)options->feature_names);
  } else {
    dataset->feature_names = header_names(import, FALSE);
  }
  dataset->target_names = header_names(import, TRUE);
  if (dataset->task == NNLAB_TASK_CLASSIFICATION)
    dataset->class_names =
        options->class_names
            ? g_strdupv((char **)options->class_names)
            : nnlab_dataset_default_class_names(dataset->n_classes);
  dataset->source = g_strdup(options->source);
  return TRUE;
}

static nnlab_dataset *build_dataset(const csv_import *import, GError **error) {
  const nnlab_csv_options *options = import->options;
  gboolean classification = import->task == NNLAB_TASK_CLASSIFICATION;
  size_t n_classes = !classification ? 0
                     : options->class_names
                         ? g_strv_length((char **)options->class_names)
                         : (size_t)import->max_label + 1;
  nnlab_dataset *dataset = nnlab_dataset_new(
      import->task, import->n_rows, import->n_columns - import->n_targets,
      import->n_targets, n_classes, error);
  if (!dataset) return NULL;
  const float *values = (const float *)import->values->data;
  for (size_t i = 0; i < import->n_rows; i++) {
    const float *row = values + i * import->n_columns;
    float *features = dataset->features + i * dataset->n_features;
    for (size_t j = 0; j < import->n_columns; j++)
      if (!import->is_target[j]) *features++ = row[j];
    for (size_t t = 0; t < import->n_targets; t++) {
      float value = row[import->target_columns[t]];
      if (classification)
        dataset->labels[i] = (int32_t)value;
      else
        dataset->targets[i * import->n_targets + t] = value;
    }
  }
  if (!set_names(import, dataset, error)) {
    nnlab_dataset_free(dataset);
    return NULL;
  }
  return dataset;
}

static gboolean check_options(csv_import *import, GError **error) {
  const nnlab_csv_options *options = import->options;
  import->task = options->task          ? options->task
                 : options->class_names ? NNLAB_TASK_CLASSIFICATION
                                        : NNLAB_TASK_REGRESSION;
  if (!nnlab_task_name(import->task)) {
    g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_INVALID, "%s: unknown task %d",
                import->path, (int)options->task);
    return FALSE;
  }
  if (options->class_names && import->task != NNLAB_TASK_CLASSIFICATION) {
    g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_INVALID,
                "%s: class names given for a regression dataset", import->path);
    return FALSE;
  }
  if (options->class_names && !options->class_names[0]) {
    g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_INVALID,
                "%s: the list of class names is empty", import->path);
    return FALSE;
  }
  return TRUE;
}

nnlab_dataset *nnlab_dataset_import_csv(const char *path,
                                        const nnlab_csv_options *options,
                                        GError **error) {
  nnlab_csv_options defaults;
  nnlab_csv_options_init(&defaults);
  csv_import import = {.path = path, .options = options ? options : &defaults};
  if (!check_options(&import, error)) return NULL;
  import.reader = csv_reader_open(
      path, import.options->delimiter ? import.options->delimiter : ',', error);
  if (!import.reader) return NULL;
  import.values = g_array_new(FALSE, FALSE, sizeof(float));
  nnlab_dataset *dataset = NULL;
  if (read_layout(&import, error) && read_rows(&import, error))
    dataset = build_dataset(&import, error);
  csv_reader_free(import.reader);
  g_strfreev(import.header);
  g_free(import.target_columns);
  g_free(import.is_target);
  g_array_unref(import.values);
  return dataset;
}
