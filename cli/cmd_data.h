/* The subcommands of `nnlab data`, and what they share. */
#ifndef NNLAB_CLI_CMD_DATA_H
#define NNLAB_CLI_CMD_DATA_H

#include <nnlab/nnlab.h>

int cmd_data_import(int argc, char **argv);
int cmd_data_import_idx(int argc, char **argv);
int cmd_data_info(int argc, char **argv);

/* Parses a subcommand's options with "nnlab data NAME" as the program name
 * in --help; argv[0] is the subcommand. Returns FALSE after printing a
 * one-line error. */
gboolean data_parse_options(GOptionContext *context, int *argc, char ***argv);

/* "a,b,c" as a NULL-terminated list (names trimmed); NULL with a one-line
 * error printed if a name is empty. NULL text gives NULL. */
char **data_split_names(const char *option, const char *text);

/* Saves to path and prints a one-line summary (or JSON). Returns the exit
 * status. */
int data_save_and_report(const nnlab_dataset *dataset, const char *path,
                         gboolean as_json);

#endif
