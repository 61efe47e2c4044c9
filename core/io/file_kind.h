/* What a file is, in words, for errors about files that are not regular. */
#ifndef NNLAB_FILE_KIND_H
#define NNLAB_FILE_KIND_H

#include <sys/stat.h>

/* "a regular file", "a directory", "a FIFO", "a socket", "a character
 * device", "a block device", "a symbolic link" or "a special file". */
const char *file_kind_name(mode_t mode);

#endif
