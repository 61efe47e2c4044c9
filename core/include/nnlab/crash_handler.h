/* Naming the plugin that crashed the program. */
#ifndef NNLAB_CRASH_HANDLER_H
#define NNLAB_CRASH_HANDLER_H

#include <nnlab/common.h>

G_BEGIN_DECLS

/* Installs handlers for SIGSEGV, SIGBUS, SIGFPE, SIGILL and SIGABRT that
 * print one line on standard error naming the plugin call the crashing
 * thread was in (kind, name, layer, and forward, backward, loss or
 * optimizer step), then hand the signal on: to the handler installed
 * before (a sanitizer's, say) or to the default action, so the exit
 * status stays 128 + signal and core dumps still happen. The handler
 * runs on an alternate stack (the calling thread's; other threads keep
 * theirs, if any) and only writes text formatted without malloc or
 * stdio. The library never installs it by itself: programs
 * call this first thing, as the nnlab command does. Idempotent; FALSE if
 * sigaction failed. */
NNLAB_API gboolean nnlab_install_crash_handler(void);

G_END_DECLS

#endif
