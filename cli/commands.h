/* The nnlab command's subcommands. Each returns the process exit status. */
#ifndef NNLAB_CLI_COMMANDS_H
#define NNLAB_CLI_COMMANDS_H

#include <nnlab/nnlab.h>

int cmd_compare(int argc, char **argv);
int cmd_data(int argc, char **argv);
int cmd_eval(int argc, char **argv);
int cmd_inspect(int argc, char **argv);
int cmd_plugins(int argc, char **argv);
int cmd_predict(int argc, char **argv);
int cmd_train(int argc, char **argv);

/* Prints "nnlab: error: MESSAGE" on stderr; returns the exit status 1. */
int report_error(const GError *error);

/* Parses argv with context, printing a one-line error on failure. */
gboolean parse_options(GOptionContext *context, int *argc, char ***argv);

/* The default registry, with each scan warning printed on stderr. */
nnlab_registry *open_registry(gboolean quiet_warnings);

#endif
