/* nnlab inspect's report as text. */
#ifndef NNLAB_CLI_INSPECT_TEXT_H
#define NNLAB_CLI_INSPECT_TEXT_H

#include "inspect_report.h"

/* Prints the header, network, optimizer, training, weights, unit health
 * (with --data) and hints sections on stdout. */
void inspect_print_text(const inspect_report *report);

#endif
