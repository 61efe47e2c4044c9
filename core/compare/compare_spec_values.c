/* Values of comparison specs that train configs lack: batch sizes that
 * may be "full", and the config overrides a plan sets, learning rates
 * among them. Locations and plain values come from io/ini_reader.h; it
 * knows no section's keys. */
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
