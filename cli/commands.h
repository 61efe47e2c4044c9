/* The nnlab command's subcommands. Each returns the process exit status. */
#ifndef NNLAB_CLI_COMMANDS_H
#define NNLAB_CLI_COMMANDS_H

int cmd_compare(int argc, char **argv);
int cmd_data(int argc, char **argv);
int cmd_eval(int argc, char **argv);
int cmd_inspect(int argc, char **argv);
int cmd_plugins(int argc, char **argv);
int cmd_predict(int argc, char **argv);
int cmd_train(int argc, char **argv);

#endif
