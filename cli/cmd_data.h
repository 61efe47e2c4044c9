/* The subcommands of `nnlab data`. Each returns the process exit status;
 * argv[0] is the subcommand's name. */
#ifndef NNLAB_CLI_CMD_DATA_H
#define NNLAB_CLI_CMD_DATA_H

int cmd_data_import(int argc, char **argv);
int cmd_data_import_idx(int argc, char **argv);
int cmd_data_info(int argc, char **argv);

#endif
