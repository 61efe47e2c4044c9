/* "Did you mean" suggestions for misspelt names. */
#ifndef NNLAB_SUGGEST_H
#define NNLAB_SUGGEST_H

#include <glib.h>

/* The candidate closest to word by edit distance, if it is close enough to
 * be a plausible typo; NULL otherwise. candidates is NULL-terminated. */
const char *suggest_nearest(const char *word, const char *const *candidates);

/* " (did you mean 'x'?)" or "" for use in messages; free with g_free. */
char *suggest_hint(const char *word, const char *const *candidates);

#endif
