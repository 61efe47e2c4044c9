/* Values particular to comparison specs: batch sizes that may be "full",
 * the config overrides a plan sets, and learning rates as text that reads
 * back exactly. Reading and locating keys is io/ini_reader.h's; this
 * knows no section or key. */
#include "compare/compare_spec.h"

gboolean spec_parse_batch_size(const char *text, guint64 *out) {
  if (g_ascii_strcasecmp(text, "full") == 0) return *out = 0, TRUE;
  return ini_parse_count(text, SPEC_MAX_BATCH, out);
}

void spec_add_set(GPtrArray *sets, GPtrArray *keys, const char *spec_key,
                  const char *config_key, const char *value) {
  g_ptr_array_add(sets, g_strdup_printf("%s=%s", config_key, value));
  g_ptr_array_add(keys, g_strdup(spec_key));
}

char *spec_format_lr(double lr) {
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];
  return g_strdup(g_ascii_dtostr(buffer, sizeof buffer, lr));
}
