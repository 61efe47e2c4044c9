/* The crash handler: when a plugin crashes the program, one line names it.
 * It does not keep the program alive: after the line the signal is handed
 * on and the process still dies of it. The handler must stay
 * async-signal-safe: no malloc and no stdio in it. */

/* Design. Plugins are native code running in the process (SECURITY.md),
 * so a bad pointer in one kills nnlab with SIGSEGV and, without this, no
 * word of which plugin. Each call into a plugin sets a thread-local
 * record (plugin_call.h); a synchronous signal is delivered to the thread
 * that faulted, so the handler reads that thread's record.
 *
 * The handler is async-signal-safe: it formats into a stack buffer with
 * its own code, from strings fixed before the crash (the program name,
 * the plugin's name in its read-only descriptor), writes with write(2),
 * then hands the signal on: it puts back the action that was there
 * before (the default, or AddressSanitizer's handler, say). A fault raised
 * by the kernel (si_code > 0) with a previous handler simply returns: the
 * faulting instruction runs again and that handler sees the real fault.
 * Otherwise the signal is raised again, so the exit status stays
 * 128 + signal and core dumps still happen.
 *
 * Not SA_RESETHAND, though it would restore the default by itself: the
 * reset is for the whole process, and when two threads fault together
 * (an optimizer step split over the pool) the second would die under the
 * default action before the first had written its line. Instead the
 * first thread in writes the line and the others wait for it. */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <nnlab/crash_handler.h>

#include "plugins/plugin_call.h"
#include "base/signal_stack.h"

_Thread_local plugin_call plugin_call_now;

static const int fatal_signals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
static const char *const signal_names[] = {
    "Segmentation fault (SIGSEGV)",
    "Bus error (SIGBUS)",
    "Floating-point exception (SIGFPE)",
    "Illegal instruction (SIGILL)",
    "Aborted (SIGABRT)",
};
static struct sigaction previous[G_N_ELEMENTS(fatal_signals)];
static char program[64];
/* The first thread in claims the line; the others wait until written. */
static int claimed, written;

const char *plugin_phase_name(plugin_phase phase) {
  switch (phase) {
    case PLUGIN_PHASE_FORWARD:
      return "forward";
    case PLUGIN_PHASE_BACKWARD:
      return "backward";
    case PLUGIN_PHASE_LOSS:
      return "loss";
    case PLUGIN_PHASE_STEP:
      return "optimizer step";
  }
  return "call";
}

static const char *kind_word(nnlab_plugin_kind kind) {
  switch (kind) {
    case NNLAB_KIND_ACTIVATION:
      return "activation";
    case NNLAB_KIND_LOSS:
      return "loss";
    case NNLAB_KIND_OPTIMIZER:
      return "optimizer";
  }
  return "unknown";
}

/* A line built without malloc or stdio. */
typedef struct line {
  char text[512];
  size_t len;
} line;

static void put(line *l, const char *s) {
  for (size_t i = 0; s[i] && i < 128 && l->len < sizeof l->text; i++)
    l->text[l->len++] = s[i];
}

static void put_size(line *l, size_t v) {
  char digits[24];
  size_t n = 0;
  do {
    digits[n++] = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  while (n && l->len < sizeof l->text) l->text[l->len++] = digits[--n];
}

static void report_crash(size_t index, const plugin_call *call) {
  line l = {.len = 0};
  put(&l, program);
  put(&l, signal_names[index]);
  if (call->plugin) {
    put(&l, " in ");
    put(&l, kind_word(call->plugin->kind));
    put(&l, " plugin '");
    put(&l, call->plugin->name);
    put(&l, "'");
    if (call->layer) {
      put(&l, ", layer ");
      put_size(&l, call->layer);
    }
    put(&l, ", ");
    put(&l, plugin_phase_name(call->phase));
    put(&l, ": the plugin crashed (test it with nnlab plugins check ");
    put(&l, call->plugin->name);
    put(&l, ")");
  } else {
    put(&l, " outside any plugin call");
  }
  if (l.len == sizeof l.text) l.len--;
  l.text[l.len++] = '\n';
  ssize_t written = write(STDERR_FILENO, l.text, l.len);
  (void)written; /* nothing more can be done about a failed write here */
}

/* One line per process: a sanitizer that reports a SEGV then aborts, or a
 * second thread crashing, adds none. An abort outside plugins has its own
 * message (g_error, a failed assertion). */
static void report_once(int sig, size_t index) {
  if (__atomic_exchange_n(&claimed, 1, __ATOMIC_ACQ_REL) == 0) {
    plugin_call call = plugin_call_now;
    if (call.plugin || sig != SIGABRT) report_crash(index, &call);
    __atomic_store_n(&written, 1, __ATOMIC_RELEASE);
    return;
  }
  /* Another thread is writing: at most a second, in case it died. */
  struct timespec pause = {0, 1000000};
  for (int i = 0; i < 1000 && !__atomic_load_n(&written, __ATOMIC_ACQUIRE); i++)
    nanosleep(&pause, NULL);
}

static void on_fatal_signal(int sig, siginfo_t *info, void *context) {
  (void)context;
  int saved_errno = errno;
  size_t index = 0;
  while (index + 1 < G_N_ELEMENTS(fatal_signals) && fatal_signals[index] != sig)
    index++;
  report_once(sig, index);
  struct sigaction next = previous[index];
  gboolean chained = (next.sa_flags & SA_SIGINFO) ||
                     (next.sa_handler != SIG_DFL && next.sa_handler != SIG_IGN);
  if (!chained) next.sa_handler = SIG_DFL; /* ignoring a fault would loop */
  sigaction(sig, &next, NULL);
  if (!(chained && info && info->si_code > 0 && sig != SIGABRT)) raise(sig);
  errno = saved_errno;
}

static gboolean install(void) {
  const char *name = program_invocation_short_name;
  g_snprintf(program, sizeof program, "%s: ", name && *name ? name : "nnlab");
  signal_stack_prepare_thread();
  struct sigaction action;
  memset(&action, 0, sizeof action);
  action.sa_sigaction = on_fatal_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_SIGINFO | SA_ONSTACK;
  gboolean ok = TRUE;
  for (size_t i = 0; i < G_N_ELEMENTS(fatal_signals); i++)
    ok &= sigaction(fatal_signals[i], &action, &previous[i]) == 0;
  return ok;
}

gboolean nnlab_install_crash_handler(void) {
  static gsize done = 0;
  static gboolean ok = FALSE;
  if (g_once_init_enter(&done)) {
    ok = install();
    g_once_init_leave(&done, 1);
  }
  return ok;
}
