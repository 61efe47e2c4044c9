#include "json_output.h"

#include <stdio.h>

void print_json(JsonBuilder *builder) {
  g_autoptr(JsonNode) root = json_builder_get_root(builder);
  g_autoptr(JsonGenerator) generator = json_generator_new();
  json_generator_set_pretty(generator, TRUE);
  json_generator_set_root(generator, root);
  g_autofree char *text = json_generator_to_data(generator, NULL);
  printf("%s\n", text);
}
