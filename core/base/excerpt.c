/* Bounded quotes of user-supplied text for error messages (nnlab/common.h):
 * an error names what the user gave so they can find it, but a 10 MB cell
 * is cut, not echoed. */
#include <nnlab/common.h>

/* Past the UTF-8 character at p: its lead byte and any continuation bytes
 * (never past the terminating NUL, which is not a continuation byte). */
static const char *next_char(const char *p) {
  p++;
  while (((guchar)*p & 0xC0) == 0x80) p++;
  return p;
}

static void append_char(GString *out, const char *start, const char *end) {
  guchar c = (guchar)*start;
  if (c == '\n')
    g_string_append(out, "\\n");
  else if (c == '\t')
    g_string_append(out, "\\t");
  else if (c < 0x20 || c == 0x7F)
    g_string_append_printf(out, "\\x%02X", c);
  else
    g_string_append_len(out, start, end - start);
}

char *nnlab_excerpt_chars(const char *text, size_t max_chars) {
  if (!text) return g_strdup("(null)");
  GString *out = g_string_new(NULL);
  const char *p = text;
  for (size_t n = 0; *p && n < max_chars; n++) {
    const char *end = next_char(p);
    append_char(out, p, end);
    p = end;
  }
  if (*p) g_string_append(out, "…");
  return g_string_free(out, FALSE);
}

char *nnlab_excerpt(const char *text) {
  return nnlab_excerpt_chars(text, NNLAB_EXCERPT_CHARS);
}
