/* A library whose constructor crashes as soon as it is loaded: only a
 * scanner in another process can survive looking at it. */
#include <signal.h>

__attribute__((constructor)) static void crash_when_loaded(void) {
  raise(SIGSEGV);
}

int crash_on_load_unused(void);
int crash_on_load_unused(void) {
  return 0;
}
