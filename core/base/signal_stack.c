/* The per-thread signal stacks of signal_stack.h, so the crash handler can
 * run on a stack overflow. One stack per thread, made once and kept for the
 * thread's life; it installs no handler itself. */
#include "base/signal_stack.h"

#include <signal.h>

#include <glib.h>

/* Room for the crash handler's report: it formats into a small buffer and
 * calls only write(2). */
#define SIGNAL_STACK_BYTES (64 * 1024)

void signal_stack_prepare_thread(void) {
  static _Thread_local char *memory; /* kept reachable for leak checkers */
  stack_t current;
  if (sigaltstack(NULL, &current) != 0 || !(current.ss_flags & SS_DISABLE))
    return;
  if (!memory) memory = g_malloc(SIGNAL_STACK_BYTES);
  stack_t stack = {.ss_sp = memory, .ss_size = SIGNAL_STACK_BYTES};
  sigaltstack(&stack, NULL);
}
