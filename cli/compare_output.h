/* The results of nnlab compare on the terminal: the table, and --json. */
#ifndef NNLAB_CLI_COMPARE_OUTPUT_H
#define NNLAB_CLI_COMPARE_OUTPUT_H

#include <stdio.h>

#include <nnlab/nnlab.h>

/* One row per candidate, best first: final losses and accuracies (mean
 * +- std, then min..max), time to target, diverged runs, wins against the
 * baseline; then each sweep's learning rates. */
void compare_print_table(const nnlab_compare *compare, FILE *out);

/* The same as JSON on stdout, with the files written (out_dir and files
 * may be NULL). */
void compare_print_json(const nnlab_compare *compare, const char *out_dir,
                        const GPtrArray *files);

#endif
