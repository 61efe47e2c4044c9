/* Explaining a divergence: which plugin call, or which of the engine's own
 * operations, first turned finite inputs into NaN or Inf. */
#ifndef NNLAB_DIVERGENCE_H
#define NNLAB_DIVERGENCE_H

#include <nnlab/component.h>
#include <nnlab/model.h>

#include "plugins/plugin_call.h"

typedef struct nonfinite_origin {
  gboolean found;
  const nnlab_plugin_info *plugin; /* NULL: the engine's own arithmetic */
  plugin_phase phase;
  size_t layer;          /* 1-based; 0 when not a layer's */
  const char *operation; /* the engine's arithmetic, e.g. "matrix product" */
  gboolean has_value;    /* FALSE when a plugin reported it by status */
  float value;           /* the first non-finite value */
  gboolean has_input;
  float input; /* the x (or weight) it was computed from */
  gboolean has_grad;
  float grad; /* for an optimizer step: the weight's gradient */
} nonfinite_origin;

/* Records that the first non-finite value came from plugin (NULL: the
 * engine's operation) in phase and layer. */
void origin_record(nonfinite_origin *origin, const nnlab_plugin_info *plugin,
                   plugin_phase phase, size_t layer, const char *operation);
/* After a plugin call that wrote out[0..n): records the call at the first
 * non-finite value, with inputs[i] when inputs is given (elementwise
 * calls). Returns FALSE once something is recorded. */
gboolean origin_check_plugin(nonfinite_origin *origin,
                             const nnlab_plugin_info *plugin,
                             plugin_phase phase, size_t layer,
                             const float *inputs, const float *out, size_t n);
/* The same after the engine's own operation. */
gboolean origin_check_arithmetic(nonfinite_origin *origin,
                                 const char *operation, size_t layer,
                                 const float *out, size_t n);

/* Replays a training step that diverged (divergence_replay.c), from the weights
 * it started from (the divergence guard keeps them) on the same batch x of rows
 * rows: forward, loss and backward, with a finiteness check after each plugin
 * call and each matrix product. Fills origin if a non-finite value comes
 * up, else leaves it as it is (for an optimizer step, recorded when the
 * step ran). doutput is scratch for the loss gradient. */
void divergence_replay(nnlab_model *model, const nnlab_component *loss,
                       const float *x, const nnlab_targets *targets,
                       size_t rows, float *doutput, nonfinite_origin *origin);

/* "training diverged at epoch E, step S: WHAT is not finite; " then where
 * the first NaN or Inf came from. Advice to lower the learning rate is
 * kept for overflows (an Inf from finite inputs, in the engine's arithmetic
 * or a plugin); a plugin that made a NaN from finite inputs is named as at
 * fault instead. */
void divergence_set_error(GError **error, size_t epoch, size_t step,
                          const char *what, const nonfinite_origin *origin);

/* Provided by model.c: the model's passes with the checks. They return
 * NULL or FALSE with *error set when a plugin fails, or with
 * origin->found set at the first non-finite value. */
const float *model_forward_traced(nnlab_model *model, const float *x,
                                  size_t rows, nonfinite_origin *origin,
                                  GError **error);
gboolean model_backward_traced(nnlab_model *model, const float *x,
                               const float *doutput, nonfinite_origin *origin,
                               GError **error);

#endif
