/* The replay of a diverged step (model/divergence.h): forward, loss and
 * backward again from the weights the step started from, each plugin call
 * and matrix product checked, to find where the first NaN or Inf came
 * from. It changes no weight the trainer keeps. */
#include <math.h>

#include "model/divergence.h"

/* The loss call of the replay, checked: its value, then its gradient. */
static void replay_loss(const nnlab_component *loss, const float *out,
                        const nnlab_targets *targets, size_t rows, size_t k,
                        float *doutput, nonfinite_origin *found) {
  double value = 0;
  plugin_call_begin(loss->info, PLUGIN_PHASE_LOSS, 0);
  nnlab_status status = loss->info->loss.compute(
      out, targets, rows, k, loss->hparams, &value, doutput);
  plugin_call_end();
  if (status == NNLAB_STATUS_NUMERIC) {
    origin_record(found, loss->info, PLUGIN_PHASE_LOSS, 0, NULL);
  } else if (status == NNLAB_STATUS_OK && !isfinite(value)) {
    origin_record(found, loss->info, PLUGIN_PHASE_LOSS, 0, NULL);
    found->has_value = TRUE;
    found->value = (float)value;
  } else if (status == NNLAB_STATUS_OK) {
    origin_check_plugin(found, loss->info, PLUGIN_PHASE_LOSS, 0, out, doutput,
                        rows * k);
  }
}

void divergence_replay(nnlab_model *model, const nnlab_component *loss,
                       const float *x, const nnlab_targets *targets,
                       size_t rows, float *doutput, nonfinite_origin *origin) {
  nonfinite_origin found = {.found = FALSE};
  /* A plugin that fails outright here failed the same way in the step,
   * which would have reported that instead; nothing to add then. */
  g_autoptr(GError) error = NULL;
  const float *out = model_forward_traced(model, x, rows, &found, &error);
  if (out) {
    replay_loss(loss, out, targets, rows, nnlab_model_n_outputs(model), doutput,
                &found);
    if (!found.found) model_backward_traced(model, x, doutput, &found, &error);
  }
  if (found.found) *origin = found;
}
