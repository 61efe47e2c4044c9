/* Parsing a command's options. */
#ifndef NNLAB_CLI_OPTION_PARSING_H
#define NNLAB_CLI_OPTION_PARSING_H

#include <glib.h>

/* Parses argv with context, printing a one-line error on failure. */
gboolean parse_options(GOptionContext *context, int *argc, char ***argv);

#endif
