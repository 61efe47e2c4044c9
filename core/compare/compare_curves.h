/* A run's curves (compare_curves.c): allocation, the divergence and
 * target marks, and the digest that pairs runs' starting weights. */
#ifndef NNLAB_COMPARE_CURVES_H
#define NNLAB_COMPARE_CURVES_H

#include <nnlab/compare.h>

/* Allocates a run's curves for n_epochs, all NaN and NOT_RUN. */
void compare_run_alloc_curves(nnlab_compare_run *run, size_t n_epochs);
/* After the curves are filled: marks divergence, finds the target. */
void compare_run_finish_curves(const nnlab_compare *compare,
                               nnlab_compare_run *run);
/* Hex SHA-256 of n floats. */
char *compare_digest_floats(const float *values, size_t n);

#endif
