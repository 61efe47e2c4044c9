/* An optimizer that overflows its stack on the thread pool's workers, with
 * unbounded recursion, and returns normally, slowly, on the main thread
 * (which would otherwise take every chunk of a step on a loaded machine):
 * the crash handler must still find a stack to report from on the worker. */
#include <unistd.h>

#include <nnlab/plugin.h>

static volatile int keep_going = 1; /* never cleared; hides the recursion */

static size_t recurse(volatile const char *caller) {
  volatile char frame[512];
  frame[0] = caller[0];
  if (keep_going) return recurse(frame) + frame[1];
  return frame[0];
}

static nnlab_status step(float *params, const float *grads, float *const *slots,
                         size_t n, uint64_t t, const nnlab_value *hp) {
  (void)params;
  (void)grads;
  (void)slots;
  (void)n;
  (void)t;
  (void)hp;
  char start = 1;
  if (gettid() != getpid()) recurse(&start);
  usleep(20000); /* leave the step's other chunks to the workers */
  return NNLAB_STATUS_OK;
}

static const nnlab_hparam hparams[] = {
    NNLAB_HPARAM_FLOAT_DEF("lr", 0.1, 0, INFINITY, 0, "learning rate"),
};

NNLAB_PLUGIN(.kind = NNLAB_KIND_OPTIMIZER, .name = "overflowing_step",
             .version = "1.0.0",
             .description = "overflows its stack on pool workers",
             .hparams = hparams, .n_hparams = NNLAB_ARRAY_LENGTH(hparams),
             .optimizer = {.step = step});
