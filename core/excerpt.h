/* Bounded quotes of user-supplied text for error messages.
 *
 * An error quotes what the user gave (a CSV cell, an INI value, a name, a
 * directory of the plugin search path) so that they can find it, but it
 * stays one short line: a 10 MB cell is cut, not echoed. Every place that
 * quotes such a value into an error goes through here. */
#ifndef NNLAB_EXCERPT_H
#define NNLAB_EXCERPT_H

#include <glib.h>

/* Characters of a value an error quotes before cutting it. */
#define NNLAB_EXCERPT_CHARS 80

/* text, or its first max_chars characters followed by "…" when longer;
 * control characters are escaped (\n, \t, \xNN) so the message stays on
 * one line. Counts UTF-8 characters (bytes of invalid UTF-8 count as one
 * each). Free with g_free. */
char *nnlab_excerpt_chars(const char *text, size_t max_chars);

/* nnlab_excerpt_chars(text, NNLAB_EXCERPT_CHARS). */
char *nnlab_excerpt(const char *text);

#endif
