/* One run of a comparison on the calling thread, by problem kind:
 * compare_dataset_runs.c and compare_function_runs.c. compare_run.c hands
 * them out to worker threads. */
#ifndef NNLAB_COMPARE_RUNS_H
#define NNLAB_COMPARE_RUNS_H

#include <nnlab/compare.h>

/* Runs compare->runs[index] on the calling thread: dataset problems. */
void compare_run_dataset(nnlab_compare *compare, size_t index);
/* Test functions. */
void compare_run_function(nnlab_compare *compare, size_t index);

#endif
