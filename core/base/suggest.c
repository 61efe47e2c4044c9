/* "Did you mean" for misspelt names (suggest.h): the nearest candidate by
 * edit distance, only when close enough to be a plausible typo. */
#include "base/suggest.h"

#include <string.h>

/* Levenshtein distance with one row of memory. */
static size_t edit_distance(const char *a, const char *b) {
  size_t la = strlen(a), lb = strlen(b);
  g_autofree size_t *row = g_new(size_t, lb + 1);
  for (size_t j = 0; j <= lb; j++) row[j] = j;
  for (size_t i = 1; i <= la; i++) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= lb; j++) {
      size_t above = row[j];
      size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      size_t best = MIN(row[j] + 1, row[j - 1] + 1);
      row[j] = MIN(best, diagonal + cost);
      diagonal = above;
    }
  }
  return row[lb];
}

const char *suggest_nearest(const char *word, const char *const *candidates) {
  const char *best = NULL;
  size_t best_distance = G_MAXSIZE;
  /* A plausible typo: at most a third of the word changed (at least 2). */
  size_t length = strlen(word), limit = MAX(2, length / 3);
  for (size_t i = 0; candidates && candidates[i]; i++) {
    /* The distance is at least the difference in length: skipping those
     * keeps a megabyte-long word from costing seconds. */
    size_t other = strlen(candidates[i]);
    if ((length > other ? length - other : other - length) > limit) continue;
    size_t d = edit_distance(word, candidates[i]);
    if (d < best_distance) {
      best_distance = d;
      best = candidates[i];
    }
  }
  return best_distance <= limit ? best : NULL;
}

char *suggest_hint(const char *word, const char *const *candidates) {
  const char *nearest = suggest_nearest(word, candidates);
  return nearest ? g_strdup_printf(" (did you mean '%s'?)", nearest)
                 : g_strdup("");
}
