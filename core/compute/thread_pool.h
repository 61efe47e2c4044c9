/* The engine's persistent worker threads. Work is split into tasks that
 * each own a fixed part of the output, so results do not depend on how
 * many threads run them. */
#ifndef NNLAB_THREAD_POOL_H
#define NNLAB_THREAD_POOL_H

#include <stddef.h>

/* The most threads the pool runs, whatever NNLAB_THREADS says. */
#define POOL_MAX_THREADS 64

/* Threads that parallel work is split over: NNLAB_THREADS when it is a
 * positive integer, otherwise the CPUs this process may run on. Read once. */
size_t pool_threads(void);
/* Overrides that count (0 restores the default), for tests and
 * benchmarks. Not to be called while parallel work is running. */
void pool_set_threads(size_t threads);

typedef void (*pool_task_fn)(void *context, size_t task);

/* Runs task(context, i) for every i in [0, n_tasks) and returns when all
 * have finished. The calling thread runs tasks too. When the pool is busy
 * (another thread's parallel work, or a call from inside a task) the tasks
 * run one after another on the calling thread. */
void pool_parallel_for(size_t n_tasks, pool_task_fn task, void *context);

#endif
