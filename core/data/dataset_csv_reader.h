/* Reading delimited text line by line through zlib, so plain and
 * gzip-compressed files read the same. */
#ifndef NNLAB_DATASET_CSV_READER_H
#define NNLAB_DATASET_CSV_READER_H

#include <nnlab/common.h>

typedef struct csv_reader csv_reader;

csv_reader *csv_reader_open(const char *path, char delimiter, GError **error);
void csv_reader_free(csv_reader *reader);

/* Skips n lines (blank or not); fewer if the file ends first. */
gboolean csv_reader_skip_lines(csv_reader *reader, size_t n, GError **error);

/* The next non-blank line as cells: surrounding spaces trimmed, "quoted"
 * cells unquoted ("" is a quote). *cells is NULL-terminated and owned by
 * the reader until the next call. Returns FALSE at the end of the file
 * (error unset) or on an error naming the file and line. */
gboolean csv_reader_next_row(csv_reader *reader, char ***cells, size_t *n_cells,
                             GError **error);

/* The 1-based number of the line last returned. */
size_t csv_reader_line_number(const csv_reader *reader);

#endif
