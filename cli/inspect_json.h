/* nnlab inspect --json: the report as one JSON object. */
#ifndef NNLAB_CLI_INSPECT_JSON_H
#define NNLAB_CLI_INSPECT_JSON_H

#include "inspect_report.h"

/* Prints the report on stdout as one JSON object. */
void inspect_print_json(const inspect_report *report);

#endif
