/* Splitting comma lists at the top level of their brackets (text_list.h),
 * for component specs, layer lists and the config's hidden sizes. It knows
 * nothing of what the items mean. */
#include "base/text_list.h"

GPtrArray *text_list_split(const char *text) {
  GPtrArray *parts = g_ptr_array_new_with_free_func(g_free);
  int depth = 0;
  const char *start = text;
  for (const char *p = text;; p++) {
    if (*p == '(' || *p == '[') depth++;
    if (*p == ')' || *p == ']') depth--;
    if (depth < 0) break;
    if ((*p == ',' && depth == 0) || *p == '\0') {
      char *part = g_strstrip(g_strndup(start, (gsize)(p - start)));
      if (*part)
        g_ptr_array_add(parts, part);
      else
        g_free(part);
      if (*p == '\0') break;
      start = p + 1;
    }
  }
  if (depth != 0) {
    g_ptr_array_unref(parts);
    return NULL;
  }
  return parts;
}
