/* Test functions with a known minimum (compare_functions.c): their
 * parameters, values, gradients and plotting windows. Pure math: no
 * optimizer, run or comparison. */
#ifndef NNLAB_COMPARE_FUNCTIONS_H
#define NNLAB_COMPARE_FUNCTIONS_H

#include <glib.h>
#include <stddef.h>
#include <stdint.h>

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

#endif
