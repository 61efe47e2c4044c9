/* nnlab inspect --verify: every array of a file against its checksum. */
#ifndef NNLAB_CLI_INSPECT_VERIFY_H
#define NNLAB_CLI_INSPECT_VERIFY_H

#include <glib.h>

/* Checks the model file, checkpoint or dataset at path and prints what
 * it found, as text or JSON. Returns the exit status: 0 when no array is
 * damaged (an older file without checksums is a warning), 1 otherwise. */
int inspect_verify(const char *path, gboolean json);

#endif
