/* A command's error on stderr. */
#ifndef NNLAB_CLI_ERROR_OUTPUT_H
#define NNLAB_CLI_ERROR_OUTPUT_H

#include <glib.h>

/* Prints "nnlab: error: MESSAGE" on stderr; returns the exit status 1. */
int report_error(const GError *error);

#endif
