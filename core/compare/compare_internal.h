/* What the parts of the comparison harness share: the private state of a
 * comparison (its data, configs or test function), the summary
 * (compare_stats.c) and the clean-up of a run (compare_spec.c). */
#ifndef NNLAB_COMPARE_INTERNAL_H
#define NNLAB_COMPARE_INTERNAL_H

#include <nnlab/compare.h>

#include "compare/compare_functions.h"

struct nnlab_compare_private {
  /* Dataset problems: the data, loaded once and shared read-only by the
   * runs, and one parsed config per run. */
  nnlab_dataset *data;
  nnlab_run_config **configs;
  /* Test functions: the function, each candidate's optimizer (lr as
   * configured) and batch size (quadratic_deep's sampling noise; 0 is
   * full, the exact gradient). */
  compare_function function;
  nnlab_component *optimizers;
  size_t *batch_sizes;
  /* Epochs finished by all runs, updated from the workers. */
  gint epochs_done;
};

/* Picks each sweep's learning rate and fills compare->rows, sorted. */
void compare_summarize(nnlab_compare *compare);

/* Frees what a run owns. */
void compare_run_clear(nnlab_compare_run *run);

#endif
