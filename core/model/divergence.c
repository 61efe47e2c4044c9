/* Explaining a divergence: the first plugin or operation that turned finite
 * inputs into NaN or Inf. This file records and checks origins and writes
 * the error; the replay of the step is in divergence_replay.c, and nothing
 * here changes a weight. */

/* Design. When training diverges, the guard in train.c keeps the weights
 * the failing step started from. Replaying that step on the same batch
 * repeats it exactly (the passes are deterministic), so the replay can
 * afford what a normal step cannot: a finiteness check after every plugin
 * call and every matrix product. The first check that fails names the
 * culprit, and how it failed says whose fault it is:
 *   - a NaN from finite inputs in a plugin is the plugin's bug, whatever
 *     the learning rate (0/0, inf - inf or a domain error inside it);
 *   - an Inf from finite inputs, in a plugin or in the engine's matrix
 *     products, is an overflow: weights or updates grew too large, and
 *     the advice to lower the learning rate stands. So does a plugin's own
 *     report that its result would not be finite (NNLAB_STATUS_NUMERIC).
 * An optimizer step is not replayed, since its state has moved on; the
 * update records its first non-finite weight while it runs instead. */
#include <math.h>

#include "model/divergence.h"

void origin_record(nonfinite_origin *origin, const nnlab_plugin_info *plugin,
                   plugin_phase phase, size_t layer, const char *operation) {
  *origin = (nonfinite_origin){.found = TRUE,
                               .plugin = plugin,
                               .phase = phase,
                               .layer = layer,
                               .operation = operation};
}

/* Index of the first non-finite element, or n. */
static size_t first_nonfinite(const float *v, size_t n) {
  size_t i = 0;
  while (i < n && isfinite(v[i])) i++;
  return i;
}

gboolean origin_check_plugin(nonfinite_origin *origin,
                             const nnlab_plugin_info *plugin,
                             plugin_phase phase, size_t layer,
                             const float *inputs, const float *out, size_t n) {
  if (origin->found) return FALSE;
  size_t i = first_nonfinite(out, n);
  if (i == n) return TRUE;
  origin_record(origin, plugin, phase, layer, NULL);
  origin->has_value = TRUE;
  origin->value = out[i];
  origin->has_input = inputs != NULL;
  if (inputs) origin->input = inputs[i];
  return FALSE;
}

gboolean origin_check_arithmetic(nonfinite_origin *origin,
                                 const char *operation, size_t layer,
                                 const float *out, size_t n) {
  if (origin->found) return FALSE;
  size_t i = first_nonfinite(out, n);
  if (i == n) return TRUE;
  origin_record(origin, NULL, 0, layer, operation);
  origin->has_value = TRUE;
  origin->value = out[i];
  return FALSE;
}

/* "activation 'snake' in layer 2 (forward)" or "the matrix product of
 * layer 2". */
static void append_where(GString *out, const nonfinite_origin *origin) {
  if (!origin->plugin) {
    g_string_append_printf(out, "the %s", origin->operation);
    if (origin->layer)
      g_string_append_printf(out, " of layer %zu", origin->layer);
    return;
  }
  g_string_append_printf(out, "%s '%s'", nnlab_kind_name(origin->plugin->kind),
                         origin->plugin->name);
  if (origin->layer)
    g_string_append_printf(out, " in layer %zu", origin->layer);
  g_string_append_printf(out, " (%s)", plugin_phase_name(origin->phase));
}

/* Appends where the first non-finite value came from; TRUE when it was an
 * overflow, for which the learning-rate advice holds. */
static gboolean append_origin(GString *out, const nonfinite_origin *origin) {
  g_string_append(out, "; ");
  append_where(out, origin);
  if (!origin->has_value) {
    g_string_append(out,
                    " reported a result that is not finite from "
                    "finite inputs");
    return TRUE;
  }
  gboolean bug = origin->plugin && isnan(origin->value);
  g_string_append_printf(out, " %s %s from finite inputs",
                         bug ? "made" : "overflowed to",
                         isnan(origin->value) ? "NaN"
                         : origin->value > 0  ? "Inf"
                                              : "-Inf");
  if (origin->has_input)
    g_string_append_printf(out, ", first at %s=%g",
                           origin->phase == PLUGIN_PHASE_STEP ? "w" : "x",
                           (double)origin->input);
  if (origin->has_grad)
    g_string_append_printf(out, " with gradient %g", (double)origin->grad);
  if (bug)
    g_string_append_printf(out,
                           ": a bug in the plugin, not the learning rate "
                           "(test it with nnlab plugins check %s)",
                           origin->plugin->name);
  return !bug;
}

void divergence_set_error(GError **error, size_t epoch, size_t step,
                          const char *what, const nonfinite_origin *origin) {
  g_autoptr(GString) message = g_string_new(NULL);
  g_string_printf(message,
                  "training diverged at epoch %zu, step %zu: %s is not finite",
                  epoch, step, what);
  gboolean overflow = TRUE;
  if (origin && origin->found) overflow = append_origin(message, origin);
  g_string_append(message, "; keeping the weights of the last finite step");
  if (overflow)
    g_string_append(message,
                    " (try a smaller learning rate or gradient clipping)");
  g_set_error_literal(error, NNLAB_ERROR, NNLAB_ERROR_DIVERGED, message->str);
}
