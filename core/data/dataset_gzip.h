/* Error text for files read through zlib (plain or gzip-compressed). */
#ifndef NNLAB_DATASET_GZIP_H
#define NNLAB_DATASET_GZIP_H

#include <zlib.h>

/* What went wrong reading file, without the path zlib puts in front:
 * "unexpected end of file", or errno's text for an I/O error. NULL if
 * nothing did. */
const char *dataset_gzip_problem(gzFile file, const char *path);

#endif
