/* Options of the `nnlab data` subcommands: GOption with "nnlab data NAME"
 * in --help, and comma-separated name lists. Parse errors are one line on
 * stderr; the exit status is the caller's to return. */
#include "data_options.h"

#include <stdio.h>

#include <nnlab/nnlab.h>

#include "option_parsing.h"

gboolean data_parse_options(GOptionContext *context, int *argc, char ***argv) {
  /* GOption names the program after argv[0] in --help. */
  char *subcommand = (*argv)[0];
  g_autofree char *name = g_strdup_printf("nnlab data %s", subcommand);
  (*argv)[0] = name;
  gboolean ok = parse_options(context, argc, argv);
  (*argv)[0] = subcommand;
  return ok;
}

char **data_split_names(const char *option, const char *text) {
  if (!text) return NULL;
  char **names = g_strsplit(text, ",", -1);
  for (size_t i = 0; names[i]; i++) {
    g_strstrip(names[i]);
    if (names[i][0] != '\0') continue;
    g_autofree char *quoted = nnlab_excerpt(text);
    fprintf(stderr, "nnlab: error: %s: name %zu of '%s' is empty\n", option,
            i + 1, quoted);
    g_strfreev(names);
    return NULL;
  }
  return names;
}
