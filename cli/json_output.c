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
