/* Writing --json output. */
#ifndef NNLAB_CLI_JSON_OUTPUT_H
#define NNLAB_CLI_JSON_OUTPUT_H

#include <json-glib/json-glib.h>

#include <nnlab/hparams.h>

/* Prints the builder's root node to stdout, pretty, with a newline. */
void print_json(JsonBuilder *builder);

/* Adds member key: value as a string, or null when value is NULL. */
void json_add_string_member(JsonBuilder *b, const char *key, const char *value);

/* Adds a hyperparameter's value: a number, a boolean, a two-number array
 * or, for a choice, its name. */
void json_add_hparam_value(JsonBuilder *b, const nnlab_hparam *spec,
                           const nnlab_value *value);

#endif
