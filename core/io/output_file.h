/* Where an output may be written: a new path, or a regular file (through a
 * symbolic link too), never a device, FIFO, socket or directory. The
 * policy is described in nnlab/files.h and docs/formats.md. */
#ifndef NNLAB_OUTPUT_FILE_H
#define NNLAB_OUTPUT_FILE_H

#include <nnlab/files.h>

/* The file that writing path replaces: path itself when it is new or a
 * regular file, the file a symbolic link points to when that is a regular
 * file. NULL with an error that does not name path (callers prefix it)
 * otherwise. Free with g_free. */
char *output_file_target(const char *path, GError **error);

#endif
