/* The engine's persistent worker threads (thread_pool.h): a job is one
 * 64-bit word claimed task by task with compare-and-swap. Each task owns a
 * fixed part of the output, so results never depend on the thread count;
 * a call while the pool is busy runs its tasks on the calling thread. */
#include "compute/thread_pool.h"

#include "base/signal_stack.h"

#include <stdatomic.h>
#include <stdint.h>

#include <glib.h>

/* Pauses (about 25 ns each) a thread busy-waits before it blocks:
 * parallel calls come in quick succession during training (one per layer
 * and pass), and waking a blocked thread costs tens of microseconds. */
#define SPIN_ITERATIONS 8000

/* One job is published as a single 64-bit word: its generation, its task
 * count and the next task to claim. A thread claims a task with a
 * compare-and-swap that also checks the generation, so a thread that wakes
 * late can never claim (or run) a task of a later job. */
#define GENERATION_SHIFT 32
#define TASKS_SHIFT 16
#define FIELD_MASK 0xffffu
#define MAX_TASKS FIELD_MASK

typedef struct pool {
  GMutex lock; /* guards sleepers and the condition variables */
  GCond wake, done;
  size_t sleepers;             /* workers blocked on wake */
  gboolean caller_waits;       /* the caller is blocked on done */
  size_t started;              /* workers created */
  _Atomic uint64_t job;        /* generation | n_tasks | next task */
  _Atomic size_t finished;     /* tasks of the current job completed */
  _Atomic size_t participants; /* workers allowed to take part */
  pool_task_fn task;
  void *context;
} pool;

static pool the_pool;
static GMutex pool_busy; /* held by the thread whose job is running */
static _Atomic size_t configured_threads;

static inline void cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

static size_t default_threads(void) {
  const char *value = g_getenv("NNLAB_THREADS");
  if (value && *value) {
    char *end = NULL;
    guint64 n = g_ascii_strtoull(value, &end, 10);
    if (end && *end == '\0' && n > 0) return MIN(n, POOL_MAX_THREADS);
  }
  return CLAMP(g_get_num_processors(), 1, POOL_MAX_THREADS);
}

size_t pool_threads(void) {
  size_t threads = atomic_load(&configured_threads);
  if (threads == 0) {
    threads = default_threads();
    atomic_store(&configured_threads, threads);
  }
  return threads;
}

void pool_set_threads(size_t threads) {
  atomic_store(&configured_threads, MIN(threads, POOL_MAX_THREADS));
}

static inline uint64_t job_generation(uint64_t job) {
  return job >> GENERATION_SHIFT;
}

/* Claims the next task of job generation, or returns FALSE when that job
 * has no task left (or is over). */
static gboolean claim_task(uint64_t generation, size_t *task,
                           size_t *n_tasks_out) {
  uint64_t job = atomic_load_explicit(&the_pool.job, memory_order_acquire);
  for (;;) {
    size_t n_tasks = (size_t)(job >> TASKS_SHIFT) & FIELD_MASK;
    size_t next = (size_t)job & FIELD_MASK;
    if (job_generation(job) != generation || next >= n_tasks) return FALSE;
    if (atomic_compare_exchange_weak_explicit(&the_pool.job, &job, job + 1,
                                              memory_order_acq_rel,
                                              memory_order_acquire)) {
      *task = next;
      *n_tasks_out = n_tasks;
      return TRUE;
    }
  }
}

static void run_tasks(uint64_t generation) {
  size_t task = 0, n_tasks = 0;
  while (claim_task(generation, &task, &n_tasks)) {
    /* A claimed task keeps its job from finishing, so task and context
     * still belong to it. */
    the_pool.task(the_pool.context, task);
    size_t done =
        atomic_fetch_add_explicit(&the_pool.finished, 1, memory_order_acq_rel) +
        1;
    if (done == n_tasks) {
      g_mutex_lock(&the_pool.lock);
      if (the_pool.caller_waits) g_cond_signal(&the_pool.done);
      g_mutex_unlock(&the_pool.lock);
    }
  }
}

static gpointer worker_main(gpointer data) {
  size_t index = GPOINTER_TO_SIZE(data);
  uint64_t seen = 0;
  signal_stack_prepare_thread();
  for (;;) {
    uint64_t generation = seen;
    for (int i = 0; i < SPIN_ITERATIONS && generation == seen; i++) {
      cpu_relax();
      generation = job_generation(atomic_load(&the_pool.job));
    }
    if (generation == seen) {
      g_mutex_lock(&the_pool.lock);
      the_pool.sleepers++;
      while ((generation = job_generation(atomic_load(&the_pool.job))) == seen)
        g_cond_wait(&the_pool.wake, &the_pool.lock);
      the_pool.sleepers--;
      g_mutex_unlock(&the_pool.lock);
    }
    seen = generation;
    if (index < atomic_load(&the_pool.participants)) run_tasks(generation);
  }
  return NULL;
}

/* Starts workers up to count; returns how many are running. */
static size_t start_workers(size_t count) {
  while (the_pool.started < count) {
    GError *error = NULL;
    GThread *thread =
        g_thread_try_new("nnlab-worker", worker_main,
                         GSIZE_TO_POINTER(the_pool.started), &error);
    if (!thread) {
      /* Fewer threads only makes the work slower, never different. */
      g_clear_error(&error);
      break;
    }
    g_thread_unref(thread);
    the_pool.started++;
  }
  return MIN(the_pool.started, count);
}

void pool_parallel_for(size_t n_tasks, pool_task_fn task, void *context) {
  size_t workers = MIN(pool_threads(), n_tasks) - (n_tasks > 0);
  if (workers == 0 || n_tasks > MAX_TASKS || !g_mutex_trylock(&pool_busy)) {
    for (size_t i = 0; i < n_tasks; i++) task(context, i);
    return;
  }
  workers = start_workers(workers);
  uint64_t generation =
      (job_generation(atomic_load(&the_pool.job)) + 1) & 0xffffffffu;
  if (generation == 0) generation = 1; /* workers start having seen 0 */
  the_pool.task = task;
  the_pool.context = context;
  atomic_store(&the_pool.finished, 0);
  atomic_store(&the_pool.participants, workers);
  atomic_store(&the_pool.job, generation << GENERATION_SHIFT |
                                  (uint64_t)n_tasks << TASKS_SHIFT);
  g_mutex_lock(&the_pool.lock);
  if (the_pool.sleepers) g_cond_broadcast(&the_pool.wake);
  g_mutex_unlock(&the_pool.lock);

  run_tasks(generation);

  for (int i = 0; i < SPIN_ITERATIONS; i++) {
    if (atomic_load(&the_pool.finished) == n_tasks) break;
    cpu_relax();
  }
  if (atomic_load(&the_pool.finished) != n_tasks) {
    g_mutex_lock(&the_pool.lock);
    the_pool.caller_waits = TRUE;
    while (atomic_load(&the_pool.finished) != n_tasks)
      g_cond_wait(&the_pool.done, &the_pool.lock);
    the_pool.caller_waits = FALSE;
    g_mutex_unlock(&the_pool.lock);
  }
  g_mutex_unlock(&pool_busy);
}
