/* The plugin call running on this thread, kept for the crash handler
 * (crash_handler.c) so that a plugin that crashes nnlab is named.
 *
 * Every call into a plugin's code during training, evaluation and
 * prediction is bracketed by plugin_call_begin and plugin_call_end. The
 * record is thread-local, because optimizer steps run on the pool's
 * worker threads, and a synchronous signal (SIGSEGV, SIGBUS, SIGFPE,
 * SIGILL) is delivered to the thread that faulted. The cost is four stores
 * per call, against calls that each process a batch or a 4096-element
 * chunk. */
#ifndef NNLAB_PLUGIN_CALL_H
#define NNLAB_PLUGIN_CALL_H

#include <nnlab/common.h>

typedef enum plugin_phase {
  PLUGIN_PHASE_FORWARD = 1,
  PLUGIN_PHASE_BACKWARD,
  PLUGIN_PHASE_LOSS,
  PLUGIN_PHASE_STEP,
} plugin_phase;

typedef struct plugin_call {
  const nnlab_plugin_info *plugin; /* NULL between calls */
  plugin_phase phase;
  size_t layer; /* 1-based layer of an activation; 0 for others */
} plugin_call;

/* initial-exec: one load from the thread pointer, and safe to read in a
 * signal handler (no lazy allocation by __tls_get_addr). */
extern _Thread_local plugin_call plugin_call_now
    __attribute__((tls_model("initial-exec")));

static inline void plugin_call_begin(const nnlab_plugin_info *plugin,
                                     plugin_phase phase, size_t layer) {
  plugin_call_now.phase = phase;
  plugin_call_now.layer = layer;
  plugin_call_now.plugin = plugin;
}

static inline void plugin_call_end(void) {
  plugin_call_now.plugin = NULL;
}

/* "forward", "backward", "loss" or "optimizer step". */
const char *plugin_phase_name(plugin_phase phase);

#endif
