/* The plots of nnlab compare, drawn with PLplot (PNG or SVG through its
 * cairo driver). */
#ifndef NNLAB_CLI_COMPARE_PLOTS_H
#define NNLAB_CLI_COMPARE_PLOTS_H

#include <nnlab/nnlab.h>

/* Writes into dir the plots that fit the comparison: loss curves per
 * candidate (mean with a min..max or std band, log scale) and accuracy
 * curves for classification, against the spec's x_axis (with different
 * losses, the ranking metric's curves instead of the losses'); final loss
 * against learning rate for sweeps, and trajectories over contour lines
 * for 2-D functions. Adds each file's path to written. */
gboolean compare_plots_write(const nnlab_compare *compare, const char *dir,
                             GPtrArray *written, GError **error);

#endif
