/* Options of the `nnlab data` subcommands. */
#ifndef NNLAB_CLI_DATA_OPTIONS_H
#define NNLAB_CLI_DATA_OPTIONS_H

#include <glib.h>

/* Parses a subcommand's options with "nnlab data NAME" as the program name
 * in --help; argv[0] is the subcommand. Returns FALSE after printing a
 * one-line error. */
gboolean data_parse_options(GOptionContext *context, int *argc, char ***argv);

/* "a,b,c" as a NULL-terminated list (names trimmed); NULL with a one-line
 * error printed if a name is empty. NULL text gives NULL. */
char **data_split_names(const char *option, const char *text);

#endif
