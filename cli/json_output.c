/* Printing --json output, shared by every command. It works around
 * json-glib 1.6's "1e-08.0" doubles so that stdout is always valid JSON;
 * it builds no command's object (each command does). */
#include "json_output.h"

#include <stdio.h>
#include <string.h>

/* json-glib 1.6 writes doubles such as 1e-08 as "1e-08.0", which is not
 * JSON: drop a ".0" that follows an exponent, outside strings. */
static void fix_exponents(char *text) {
  gboolean in_string = FALSE, escaped = FALSE, in_exponent = FALSE;
  char *out = text;
  for (const char *p = text; *p; p++) {
    if (in_string) {
      in_string = escaped || *p != '"';
      escaped = !escaped && *p == '\\';
    } else if (*p == '"') {
      in_string = TRUE;
    } else if (*p == 'e' || *p == 'E') {
      in_exponent = out > text && g_ascii_isdigit(out[-1]);
    } else if (in_exponent && p[0] == '.' && p[1] == '0' &&
               !g_ascii_isdigit(p[2])) {
      p++; /* skip ".0" */
      in_exponent = FALSE;
      continue;
    } else if (!g_ascii_isdigit(*p) && *p != '-' && *p != '+') {
      in_exponent = FALSE;
    }
    *out++ = *p;
  }
  *out = '\0';
}

void print_json(JsonBuilder *builder) {
  g_autoptr(JsonNode) root = json_builder_get_root(builder);
  g_autoptr(JsonGenerator) generator = json_generator_new();
  json_generator_set_pretty(generator, TRUE);
  json_generator_set_root(generator, root);
  g_autofree char *text = json_generator_to_data(generator, NULL);
  fix_exponents(text);
  printf("%s\n", text);
}

void json_add_string_member(JsonBuilder *b, const char *key,
                            const char *value) {
  json_builder_set_member_name(b, key);
  if (value)
    json_builder_add_string_value(b, value);
  else
    json_builder_add_null_value(b);
}

void json_add_hparam_value(JsonBuilder *b, const nnlab_hparam *spec,
                           const nnlab_value *value) {
  switch (spec->type) {
    case NNLAB_HPARAM_FLOAT:
      json_builder_add_double_value(b, value->f);
      return;
    case NNLAB_HPARAM_INT:
      json_builder_add_int_value(b, value->i);
      return;
    case NNLAB_HPARAM_BOOL:
      json_builder_add_boolean_value(b, value->b);
      return;
    case NNLAB_HPARAM_PAIR:
      json_builder_begin_array(b);
      json_builder_add_double_value(b, value->pair[0]);
      json_builder_add_double_value(b, value->pair[1]);
      json_builder_end_array(b);
      return;
    case NNLAB_HPARAM_CHOICE: {
      g_autofree char *text = nnlab_hparam_format_value(spec, value);
      json_builder_add_string_value(b, text);
      return;
    }
  }
  json_builder_add_null_value(b);
}
