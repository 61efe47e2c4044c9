/* The line and cell reader under CSV import (dataset_csv_reader.h):
 * through zlib, so gzip and plain files read the same; quoting and
 * trimming only. It knows nothing of numbers, headers or targets. */
#include "data/dataset_csv_reader.h"

#include <errno.h>
#include <string.h>

#include <nnlab/files.h>

#include "data/dataset_gzip.h"

#define READ_BUFFER_SIZE 65536

struct csv_reader {
  gzFile file;
  char *path;
  char delimiter;
  size_t line_number;
  GString *line;
  char *cell_text;  /* the line split in place into cells */
  GPtrArray *cells; /* char * into cell_text, NULL-terminated */
  char buffer[READ_BUFFER_SIZE];
};

csv_reader *csv_reader_open(const char *path, char delimiter, GError **error) {
  if (!nnlab_check_input_file(path, error)) return NULL;
  gzFile file = gzopen(path, "rb");
  if (!file) {
    int saved = errno;
    g_set_error(error, NNLAB_ERROR,
                saved == ENOENT ? NNLAB_ERROR_NOT_FOUND : NNLAB_ERROR_IO,
                "%s: %s", path,
                saved ? g_strerror(saved) : "cannot open the file");
    return NULL;
  }
  csv_reader *reader = g_new0(csv_reader, 1);
  reader->file = file;
  reader->path = g_strdup(path);
  reader->delimiter = delimiter;
  reader->line = g_string_new(NULL);
  reader->cells = g_ptr_array_new();
  return reader;
}

void csv_reader_free(csv_reader *reader) {
  if (!reader) return;
  gzclose(reader->file);
  g_free(reader->path);
  g_string_free(reader->line, TRUE);
  g_free(reader->cell_text);
  g_ptr_array_unref(reader->cells);
  g_free(reader);
}

/* Reads one line without its line ending: 1, 0 at the end, -1 on error. */
static int read_line(csv_reader *reader, GError **error) {
  g_string_truncate(reader->line, 0);
  gboolean got_any = FALSE;
  while (gzgets(reader->file, reader->buffer, sizeof reader->buffer)) {
    got_any = TRUE;
    g_string_append(reader->line, reader->buffer);
    if (reader->line->len > 0 &&
        reader->line->str[reader->line->len - 1] == '\n')
      break;
  }
  const char *problem = dataset_gzip_problem(reader->file, reader->path);
  if (problem) {
    g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_IO, "%s:%zu: %s", reader->path,
                reader->line_number + 1, problem);
    return -1;
  }
  if (!got_any) return 0;
  reader->line_number++;
  while (reader->line->len > 0 &&
         (reader->line->str[reader->line->len - 1] == '\n' ||
          reader->line->str[reader->line->len - 1] == '\r'))
    g_string_truncate(reader->line, reader->line->len - 1);
  return 1;
}

gboolean csv_reader_skip_lines(csv_reader *reader, size_t n, GError **error) {
  for (size_t i = 0; i < n; i++) {
    int status = read_line(reader, error);
    if (status < 0) return FALSE;
    if (status == 0) break;
  }
  return TRUE;
}

static gboolean is_space(const csv_reader *reader, char c) {
  return c != reader->delimiter && (c == ' ' || c == '\t');
}

/* Splits cell_text in place; cells may only shrink, so this is safe. */
static gboolean split_cells(csv_reader *reader, GError **error) {
  char *read = reader->cell_text;
  g_ptr_array_set_size(reader->cells, 0);
  for (;;) {
    while (is_space(reader, *read)) read++;
    char *cell = read, *write = read;
    if (*read == '"') {
      read++;
      for (;;) {
        if (*read == '\0') {
          g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_INVALID,
                      "%s:%zu, column %u: a quoted cell is not closed",
                      reader->path, reader->line_number,
                      reader->cells->len + 1);
          return FALSE;
        }
        if (read[0] == '"' && read[1] == '"') {
          *write++ = '"';
          read += 2;
        } else if (read[0] == '"') {
          read++;
          break;
        } else {
          *write++ = *read++;
        }
      }
      while (is_space(reader, *read)) read++;
      if (*read != '\0' && *read != reader->delimiter) {
        g_set_error(error, NNLAB_ERROR, NNLAB_ERROR_INVALID,
                    "%s:%zu, column %u: text after a closing quote",
                    reader->path, reader->line_number, reader->cells->len + 1);
        return FALSE;
      }
    } else {
      while (*read != '\0' && *read != reader->delimiter) *write++ = *read++;
      while (write > cell && is_space(reader, write[-1])) write--;
    }
    char separator = *read;
    *write = '\0';
    g_ptr_array_add(reader->cells, cell);
    if (separator == '\0') break;
    read++;
  }
  g_ptr_array_add(reader->cells, NULL);
  return TRUE;
}

static gboolean is_blank(const csv_reader *reader, const char *text) {
  for (; *text; text++)
    if (!is_space(reader, *text)) return FALSE;
  return TRUE;
}

gboolean csv_reader_next_row(csv_reader *reader, char ***cells, size_t *n_cells,
                             GError **error) {
  int status;
  while ((status = read_line(reader, error)) > 0 &&
         is_blank(reader, reader->line->str)) {
  }
  if (status <= 0) return FALSE;
  g_free(reader->cell_text);
  reader->cell_text = g_strdup(reader->line->str);
  if (!split_cells(reader, error)) return FALSE;
  *cells = (char **)reader->cells->pdata;
  *n_cells = reader->cells->len - 1;
  return TRUE;
}

size_t csv_reader_line_number(const csv_reader *reader) {
  return reader->line_number;
}
