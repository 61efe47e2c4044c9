/* Finite-difference checks of plugin gradients, shared by the tests. */
#ifndef NNLAB_TEST_GRADCHECK_H
#define NNLAB_TEST_GRADCHECK_H

#include <stdbool.h>
#include <stddef.h>

#include <nnlab/plugin.h>

/* Compares an activation's backward (J^T dy) with central differences of
 * sum(dy * forward(x)) for a fixed pseudo-random dy. Each element i passes
 * when |analytic - numeric| <= atol + rtol * max(|analytic|, |numeric|).
 * On failure writes what failed (element, x, both values) to message. */
bool gradcheck_activation(const nnlab_plugin_info *info, const nnlab_value *hp,
                          const float *x, size_t rows, size_t cols, double atol,
                          double rtol, char *message, size_t message_size);

/* Compares a loss's gradient with central differences of its value. */
bool gradcheck_loss(const nnlab_plugin_info *info, const nnlab_value *hp,
                    const float *pred, const nnlab_targets *targets,
                    size_t rows, size_t cols, double atol, double rtol,
                    char *message, size_t message_size);

/* True if every element is finite. */
bool all_finite(const float *values, size_t n);

#endif
