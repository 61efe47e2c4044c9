/* nnlab_csv_read_matrix: a CSV file of numbers as a rows x columns float
 * matrix, for nnlab predict's inputs. A first row that is not a number is
 * a header; it builds no dataset (no task, targets or names), which is
 * dataset_csv.c's job. */
#include <errno.h>
#include <math.h>

#include <nnlab/dataset.h>

#include "data/dataset_csv_reader.h"
#include <nnlab/common.h>

typedef enum cell_kind {
  CELL_NUMBER,
  CELL_NOT_NUMBER,
  CELL_NOT_FINITE,  /* inf, nan, or beyond double */
  CELL_NOT_FLOAT32, /* finite in double, infinite in float32 (1e39) */
} cell_kind;

/* As data import reads a cell (dataset_csv.c): a value float32 cannot
 * hold is refused, never turned into inf. */
static cell_kind parse_number(const char *cell, float *out) {
  char *end = NULL;
  errno = 0;
  double v = g_ascii_strtod(cell, &end);
  if (!*cell || *end) return CELL_NOT_NUMBER;
  if (errno == ERANGE || !isfinite(v)) return CELL_NOT_FINITE;
  *out = (float)v;
  return isfinite(*out) ? CELL_NUMBER : CELL_NOT_FLOAT32;
}

float *nnlab_csv_read_matrix(const char *path, char delimiter,
                             size_t expected_columns, size_t *n_rows,
                             GError **error) {
  csv_reader *reader =
      csv_reader_open(path, delimiter ? delimiter : ',', error);
  if (!reader) return NULL;
  GArray *values = g_array_new(FALSE, FALSE, sizeof(float));
  char **cells = NULL;
  size_t n_cells = 0, rows = 0;
  gboolean first = TRUE, ok = TRUE;
  GError *local = NULL;
  while (ok && csv_reader_next_row(reader, &cells, &n_cells, &local)) {
    size_t line = csv_reader_line_number(reader);
    float v = 0;
    /* A first row with a non-number is a header. */
    if (first && n_cells && parse_number(cells[0], &v) == CELL_NOT_NUMBER) {
      first = FALSE;
      continue;
    }
    first = FALSE;
    if (values->len > G_MAXUINT - n_cells) { /* a GArray's limit */
      g_set_error(&local, NNLAB_ERROR, NNLAB_ERROR_RANGE,
                  "%s:%zu: more than %u values; split the file", path, line,
                  G_MAXUINT);
      ok = FALSE;
      break;
    }
    if (n_cells != expected_columns) {
      g_set_error(&local, NNLAB_ERROR, NNLAB_ERROR_INVALID,
                  "%s:%zu: expected %zu columns (the model's inputs), found "
                  "%zu",
                  path, line, expected_columns, n_cells);
      ok = FALSE;
      break;
    }
    for (size_t j = 0; j < n_cells; j++) {
      cell_kind kind = parse_number(cells[j], &v);
      if (kind != CELL_NUMBER) {
        g_autofree char *shown = nnlab_excerpt(cells[j]);
        g_set_error(&local, NNLAB_ERROR, NNLAB_ERROR_INVALID,
                    "%s:%zu, column %zu: '%s' %s", path, line, j + 1, shown,
                    kind == CELL_NOT_FLOAT32 ? "is outside the float32 range"
                                             : "is not a finite number");
        ok = FALSE;
        break;
      }
      g_array_append_val(values, v);
    }
    rows++;
  }
  csv_reader_free(reader);
  if (local) ok = FALSE;
  if (ok && rows == 0)
    g_set_error(&local, NNLAB_ERROR, NNLAB_ERROR_INVALID, "%s: no data rows",
                path);
  if (!ok || rows == 0) {
    g_propagate_error(error, local);
    g_array_unref(values);
    return NULL;
  }
  *n_rows = rows;
  return (float *)g_array_free(values, FALSE);
}
