/* The error text of a read through zlib (dataset_gzip.h), without the
 * path zlib puts in front, so that callers can name the file their own
 * way. It only describes a failure; it never reads. */
#include "data/dataset_gzip.h"

#include <errno.h>
#include <string.h>

#include <glib.h>

const char *dataset_gzip_problem(gzFile file, const char *path) {
  int code = Z_OK;
  const char *message = gzerror(file, &code);
  if (code == Z_OK || code == Z_STREAM_END) return NULL;
  if (code == Z_ERRNO) return g_strerror(errno);
  size_t length = strlen(path);
  if (strncmp(message, path, length) == 0 &&
      strncmp(message + length, ": ", 2) == 0)
    message += length + 2;
  return message;
}
