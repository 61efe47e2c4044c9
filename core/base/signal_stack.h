/* A signal stack per thread, for the crash handler.
 *
 * A stack overflow leaves the faulting stack no room to run a handler on,
 * so the crash handler runs on an alternate stack (SA_ONSTACK). Each
 * thread needs its own: the main thread's comes with the handler, and the
 * pool's workers set theirs up when they start, so an overflow in a plugin
 * running on a worker is reported too. A signal stack does nothing until
 * a handler asks for it. */
#ifndef NNLAB_SIGNAL_STACK_H
#define NNLAB_SIGNAL_STACK_H

/* Gives the calling thread a signal stack unless it has one; for threads
 * that live as long as the process. */
void signal_stack_prepare_thread(void);

#endif
