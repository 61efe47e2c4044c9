/* Writing --json output. */
#ifndef NNLAB_CLI_JSON_OUTPUT_H
#define NNLAB_CLI_JSON_OUTPUT_H

#include <json-glib/json-glib.h>

/* Prints the builder's root node to stdout, pretty, with a newline. */
void print_json(JsonBuilder *builder);

#endif
