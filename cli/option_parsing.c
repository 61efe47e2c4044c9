/* A command's options through GOption, with a parse error as one line on
 * stderr that points at --help. The command's exit status (2) is the
 * caller's to return: this never exits. */
#include "option_parsing.h"

#include <stdio.h>

gboolean parse_options(GOptionContext *context, int *argc, char ***argv) {
  g_autoptr(GError) error = NULL;
  if (g_option_context_parse(context, argc, argv, &error)) return TRUE;
  fprintf(stderr, "nnlab: error: %s (try --help)\n", error->message);
  return FALSE;
}
