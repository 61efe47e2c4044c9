/* What the parts of the comparison harness share: the spec reader
 * (compare_spec*.c, compare_plan.c), the test functions
 * (compare_functions.c), the runs (compare_run.c), the statistics
 * (compare_stats.c) and the files (compare_save.c). */
#ifndef NNLAB_COMPARE_INTERNAL_H
#define NNLAB_COMPARE_INTERNAL_H

#include <nnlab/compare.h>

typedef enum compare_function_kind {
  COMPARE_ROSENBROCK,
  COMPARE_BEALE,
  COMPARE_BOWL,
  COMPARE_QUADRATIC_DEEP,
} compare_function_kind;

/* A test function with a known minimum, f(x*) = 0 after the shift. */
typedef struct compare_function {
  compare_function_kind kind;
  size_t dim;            /* 2, or quadratic_deep's dimension */
  size_t steps;          /* optimizer steps per run */
  double start[2];       /* 2-D functions */
  double noise;          /* 2-D: std of Gaussian noise on each gradient */
  double condition;      /* bowl: ratio of its curvatures */
  double angle;          /* bowl: rotation of its axes, degrees */
  uint64_t problem_seed; /* quadratic_deep: draws the spectrum and basis */
  size_t batch_size;     /* quadratic_deep: samples per step (0: exact) */
  double *hessian;       /* quadratic_deep: dim x dim, Q = R diag(l) R^T */
} compare_function;

/* The names accepted by [problem] function, NULL-terminated. */
extern const char *const compare_function_names[];

/* The start point shown in docs/compare.md for f->kind. */
void compare_function_default_start(compare_function *f);
/* Draws quadratic_deep's Hessian; nothing to do for the others. */
void compare_function_setup(compare_function *f);
void compare_function_clear(compare_function *f);
/* f(x) - f(x*). */
double compare_function_eval(const compare_function *f, const double *x);
/* The exact gradient of f at x. */
void compare_function_gradient(const compare_function *f, const double *x,
                               double *gradient);
/* The plotting window and the minimum of a 2-D function. */
void compare_function_window(const compare_function *f, double domain[4],
                             double minimum[2]);

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

/* Runs compare->runs[index] on the calling thread: dataset problems. */
void compare_run_dataset(nnlab_compare *compare, size_t index);
/* Test functions. */
void compare_run_function(nnlab_compare *compare, size_t index);

/* Allocates a run's curves for n_epochs, all NaN and NOT_RUN. */
void compare_run_alloc_curves(nnlab_compare_run *run, size_t n_epochs);
/* After the curves are filled: marks divergence, finds the target. */
void compare_run_finish_curves(const nnlab_compare *compare,
                               nnlab_compare_run *run);
/* Hex SHA-256 of n floats. */
char *compare_digest_floats(const float *values, size_t n);

/* Picks each sweep's learning rate and fills compare->rows, sorted. */
void compare_summarize(nnlab_compare *compare);

/* Frees what a run owns. */
void compare_run_clear(nnlab_compare_run *run);

#endif
