/* The engine's warnings: one handler per process, set by the program
 * before it loads anything; the default prints each warning on stderr the
 * way the nnlab command prints its own. Library code warns through
 * engine_warn and never prints a warning itself. */
#include "base/engine_warning.h"

#include <stdio.h>

static nnlab_warning_handler handler;
static void *handler_data;

void nnlab_set_warning_handler(nnlab_warning_handler new_handler,
                               void *user_data) {
  handler = new_handler;
  handler_data = user_data;
}

void engine_warn(const char *format, ...) {
  va_list args;
  va_start(args, format);
  g_autofree char *message = g_strdup_vprintf(format, args);
  va_end(args);
  if (handler)
    handler(message, handler_data);
  else
    fprintf(stderr, "nnlab: warning: %s\n", message);
}
